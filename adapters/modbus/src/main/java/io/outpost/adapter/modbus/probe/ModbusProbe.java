package io.outpost.adapter.modbus.probe;

import io.outpost.adapter.modbus.codec.ModbusPdu;
import io.outpost.adapter.modbus.config.ModbusConnection;
import io.outpost.adapter.modbus.config.Table;
import io.outpost.adapter.modbus.transport.ModbusTransport;
import io.outpost.adapter.modbus.transport.Transports;
import io.outpost.core.spi.DeviceException;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Reads a range of registers (or bits) once and shows every way to read them, to settle type and byte order
 * against a value known from the device's display or manual. The {@code outpost probe} command's engine.
 *
 * <pre>
 * ProbeReport r = ModbusProbe.probe(new ModbusProbe.Request(ModbusConnection.tcp("192.0.2.10", 502), 1,
 *         Table.HOLDING_REGISTER, 0, 4, Duration.ofSeconds(2), OptionalDouble.of(123.456)));
 * System.out.println(r.toTable());   // ... "123.456 matches float32 CDAB at 40001"
 * </pre>
 * Blocking; call it from the command's own thread.
 */
public final class ModbusProbe {

    /**
     * What to read.
     *
     * @param index    first 0-based address
     * @param count    registers (1-125) or bits (1-2000) to read
     * @param expected a value the registers should hold, to point out which readings match; empty for none
     */
    public record Request(ModbusConnection connection, int unitId, Table table, int index, int count, Duration timeout,
                          OptionalDouble expected) {
        public Request {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(timeout, "timeout");
            expected = expected == null ? OptionalDouble.empty() : expected;
            if (count < 1 || count > table.protocolLimit()) {
                throw new IllegalArgumentException("count must be 1 to " + table.protocolLimit() + " for "
                        + table.configName() + ", found " + count);
            }
            if (index < 0 || index + count - 1 > 65_535) {
                throw new IllegalArgumentException("addresses must lie within 0..65535, found " + index + "+" + count);
            }
        }
    }

    private ModbusProbe() {
    }

    /** Connects, reads once, disconnects. Fails with the device's or the link's reason. */
    public static ProbeReport probe(Request request) throws DeviceException {
        byte[] pdu = ModbusPdu.read(request.table(), request.index(), request.count());
        try (ModbusTransport transport = Transports.create(request.connection(), request.timeout(), request.timeout())) {
            byte[] response = transport.exchange(request.unitId(), pdu);
            ModbusPdu.check(pdu, response);
            return new ProbeReport(request, response);
        }
    }
}
