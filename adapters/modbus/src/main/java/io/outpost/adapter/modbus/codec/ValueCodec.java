package io.outpost.adapter.modbus.codec;

import io.outpost.adapter.modbus.config.ModbusByteOrder;
import io.outpost.adapter.modbus.config.ModbusPoint;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;
import io.outpost.core.spi.CommandedValues;
import io.outpost.core.spi.DeviceException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Turns registers and bits into point values and back, honouring type, byte and word order. Strings are one
 * byte per character (ISO-8859-1), read up to the first NUL with trailing spaces removed, and padded with NULs
 * when written.
 */
public final class ValueCodec {

    private ValueCodec() {
    }

    /**
     * Decodes {@code point} from a read response whose data starts at index 2 and whose first address is
     * {@code blockStart}.
     */
    public static Value decode(ModbusPoint point, byte[] response, int blockStart) {
        int index = point.offset() - blockStart;
        if (point.table().isBits()) {
            return Value.of(ModbusPdu.bit(response, index));
        }
        int at = 2 + 2 * index;
        if (point.address().hasBit()) {
            return Value.of((ModbusPdu.u16(response, at) >>> point.address().bit() & 1) == 1);
        }
        return decodeRegisters(point.type(), point.order(), point.stringLength(), response, at);
    }

    /** Decodes a value of {@code type} from registers in wire order at {@code data[at]}. */
    public static Value decodeRegisters(DataType type, ModbusByteOrder order,
                                        int stringLength, byte[] data, int at) {
        int registers = ModbusPoint.registersOf(type, stringLength);
        byte[] v = new byte[registers * 2];
        if (type == DataType.STRING) {
            // Only the byte order within each register applies to text; words stay in reading order.
            for (int r = 0; r < registers; r++) {
                order.permute(data, at + 2 * r, v, 2 * r, 1);
            }
            return Value.of(text(v, stringLength));
        }
        order.permute(data, at, v, 0, registers);
        return switch (type) {
            case BOOL -> Value.of(v[0] != 0 || v[1] != 0);
            case INT16 -> Value.of((long) (short) be(v, 2));
            case UINT16 -> Value.of(be(v, 2));
            case INT32 -> Value.of((long) (int) be(v, 4));
            case UINT32 -> Value.of(be(v, 4));
            case FLOAT32 -> Value.ofFloat32(Float.intBitsToFloat((int) be(v, 4)));
            case INT64 -> Value.of(be(v, 8));
            case UINT64 -> new Value.UInt64(be(v, 8));
            case FLOAT64 -> Value.of(Double.longBitsToDouble(be(v, 8)));
            default -> throw new IllegalArgumentException("no register encoding for " + type);
        };
    }

    /**
     * The registers (wire order, two bytes each) that hold {@code value} for a register point that is not a bit.
     *
     * @throws DeviceException {@code out-of-range} for a string longer than the point, {@code conversion-error}
     *                         for a value of the wrong kind
     */
    public static byte[] encode(ModbusPoint point, Value value) throws DeviceException {
        DataType type = point.type();
        int registers = ModbusPoint.registersOf(type, point.stringLength());
        byte[] v = new byte[registers * 2];
        switch (type) {
            case BOOL -> v[1] = (byte) (bool(value) ? 1 : 0);
            case INT16, UINT16, INT32, UINT32, INT64, UINT64 -> putBe(v, integer(value));
            case FLOAT32 -> putBe(v, Float.floatToIntBits((float) real(value)));
            case FLOAT64 -> putBe(v, Double.doubleToLongBits(real(value)));
            case STRING -> {
                byte[] t = latin1(value, point.stringLength());
                System.arraycopy(t, 0, v, 0, t.length);
                byte[] wire = new byte[v.length];
                for (int r = 0; r < registers; r++) {
                    point.order().permute(v, 2 * r, wire, 2 * r, 1);
                }
                return wire;
            }
            default -> throw new DeviceException(Quality.CONVERSION_ERROR, "cannot write a " + type + " to registers");
        }
        byte[] wire = new byte[v.length];
        point.order().permute(v, 0, wire, 0, registers);
        return wire;
    }

    /** A value as a coil state or register bit: the one boolean rule of every protocol ({@link CommandedValues}). */
    public static boolean bool(Value value) throws DeviceException {
        return CommandedValues.asBoolean(value).orElseThrow(() -> new DeviceException(Quality.CONVERSION_ERROR,
                "expected " + CommandedValues.BOOLEAN_EXPECTED + ", found " + CommandedValues.describe(value)));
    }

    private static long integer(Value value) throws DeviceException {
        if (value instanceof Value.Int i) {
            return i.value();
        }
        if (value instanceof Value.UInt64 u) {
            return u.bits();
        }
        // A boolean is not a number (the same rule as every protocol's): the core never sends one here.
        throw new DeviceException(Quality.CONVERSION_ERROR, "expected a whole number, found " + value);
    }

    private static double real(Value value) throws DeviceException {
        if (value instanceof Value.Real || value instanceof Value.Int || value instanceof Value.UInt64) {
            return value.asDouble();
        }
        throw new DeviceException(Quality.CONVERSION_ERROR, "expected a number, found " + value);
    }

    private static byte[] latin1(Value value, int length) throws DeviceException {
        if (!(value instanceof Value.Text t)) {
            throw new DeviceException(Quality.CONVERSION_ERROR, "expected a string, found " + value);
        }
        CharsetEncoder encoder = StandardCharsets.ISO_8859_1.newEncoder();
        if (!encoder.canEncode(t.value())) {
            throw new DeviceException(Quality.CONVERSION_ERROR, "the device stores one byte per character; '"
                    + t.value() + "' has characters outside ISO-8859-1");
        }
        byte[] bytes = t.value().getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length > length) {
            throw new DeviceException(Quality.OUT_OF_RANGE, "'" + t.value() + "' has " + bytes.length
                    + " characters; the point holds " + length);
        }
        return bytes;
    }

    private static String text(byte[] v, int length) {
        int end = 0;
        while (end < length && v[end] != 0) {
            end++;
        }
        while (end > 0 && v[end - 1] == ' ') {
            end--;
        }
        return new String(v, 0, end, StandardCharsets.ISO_8859_1);
    }

    private static long be(byte[] v, int n) {
        long x = 0;
        for (int i = 0; i < n; i++) {
            x = (x << 8) | (v[i] & 0xFF);
        }
        return x;
    }

    private static void putBe(byte[] v, long x) {
        for (int i = v.length - 1; i >= 0; i--) {
            v[i] = (byte) x;
            x >>>= 8;
        }
    }
}
