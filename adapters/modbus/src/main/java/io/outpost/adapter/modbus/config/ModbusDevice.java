package io.outpost.adapter.modbus.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The Modbus settings of one device, validated.
 *
 * @param unitId          default unit (slave) id of its points
 * @param byteOrder       default order of 32- and 64-bit values (16-bit values and strings default to AB)
 * @param maxGap          unused registers one request may bridge between points (for bit tables, 16 bits count as
 *                        one register)
 * @param maxRegisters    most registers per read request (protocol limit 125)
 * @param maxBits         most coils or discrete inputs per read request (protocol limit 2,000)
 * @param forbidden       ranges that requests never touch
 * @param writeMode       which function codes write single coils and registers
 * @param requestDelay    pause after each request before the next one on the same link, for slow devices
 */
public record ModbusDevice(ModbusConnection connection, int unitId, ModbusByteOrder byteOrder, int maxGap,
                           int maxRegisters, int maxBits, List<AddressRange> forbidden, WriteMode writeMode,
                           Duration requestDelay) {

    public static final int DEFAULT_MAX_GAP = 10;

    public ModbusDevice {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(byteOrder, "byteOrder");
        Objects.requireNonNull(writeMode, "writeMode");
        Objects.requireNonNull(requestDelay, "requestDelay");
        forbidden = List.copyOf(forbidden);
        if (maxGap < 0 || maxRegisters < 1 || maxRegisters > 125 || maxBits < 1 || maxBits > 2000) {
            throw new IllegalArgumentException("limits out of range: max-gap " + maxGap + ", registers " + maxRegisters
                    + ", bits " + maxBits);
        }
    }

    /** Most addresses of {@code table} one request may cover. */
    public int limit(Table table) {
        return table.isBits() ? maxBits : maxRegisters;
    }

    /** Unused addresses of {@code table} one request may bridge. */
    public int gap(Table table) {
        return table.isBits() ? maxGap * 16 : maxGap;
    }

}
