package io.outpost.adapter.modbus.config;

import io.outpost.core.config.SourceMark;
import io.outpost.core.point.DataType;
import java.util.Objects;

/**
 * The Modbus settings of one point, validated: where it is and how its registers become a value.
 *
 * @param unitId       the slave (unit) id this point is read from
 * @param address      table, 0-based offset and optional bit
 * @param type         the value type; {@code bool} for coils, discrete inputs and bits in a register
 * @param order        byte and word order of the value's registers
 * @param stringLength characters of a {@code string} point (two per register), 0 for other types
 * @param addressPath  YAML path of the address key, for problems found later; not part of equality
 * @param addressMark  where the address was written; not part of equality
 */
public record ModbusPoint(int unitId, ModbusAddress address, DataType type, ModbusByteOrder order, int stringLength,
                          String addressPath, SourceMark addressMark) {

    public ModbusPoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(order, "order");
        addressPath = addressPath == null ? "" : addressPath;
        addressMark = addressMark == null ? SourceMark.UNKNOWN : addressMark;
    }

    /** A point built in code (probe, tests), without a place in a file. */
    public static ModbusPoint of(int unitId, ModbusAddress address, DataType type, ModbusByteOrder order,
                                 int stringLength) {
        return new ModbusPoint(unitId, address, type, order, stringLength, "", SourceMark.UNKNOWN);
    }

    public Table table() {
        return address.table();
    }

    public int offset() {
        return address.offset();
    }

    /** How many addresses of its table the point spans: 1 for a bit, else its registers. */
    public int span() {
        if (table().isBits() || address.hasBit()) {
            return 1;
        }
        return registersOf(type, stringLength);
    }

    /** The last address the point reads. */
    public int lastOffset() {
        return offset() + span() - 1;
    }

    /** Registers a value of {@code type} occupies; bool takes a whole register when it is not a bit. */
    public static int registersOf(DataType type, int stringLength) {
        return switch (type) {
            case INT32, UINT32, FLOAT32 -> 2;
            case INT64, UINT64, FLOAT64 -> 4;
            case STRING -> (stringLength + 1) / 2;
            default -> 1;
        };
    }

    /** Same value, unit and layout; where it was written does not count (a reload that moves lines changes nothing). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ModbusPoint p && unitId == p.unitId && address.equals(p.address) && type == p.type
                && order == p.order && stringLength == p.stringLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(unitId, address, type, order, stringLength);
    }

    @Override
    public String toString() {
        return address + " " + type + (unitId == 0 ? "" : " unit " + unitId);
    }
}
