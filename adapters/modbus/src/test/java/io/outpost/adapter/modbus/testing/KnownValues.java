package io.outpost.adapter.modbus.testing;

import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Known values of every numeric type in every byte order, with the registers a device sends for them. The wire
 * bytes are built from java.nio's big-endian encoding by reading the order's name letter by letter, independently
 * of the adapter's codec.
 */
public final class KnownValues {

    /** One value: its type, the order's YAML name, the value, and the registers' bytes in wire order. */
    public record Case(DataType type, String order, Value value, byte[] wire) {
        public int registers() {
            return wire.length / 2;
        }

        /** The registers as 16-bit numbers, for a simulator. */
        public int[] words() {
            int[] w = new int[registers()];
            for (int i = 0; i < w.length; i++) {
                w[i] = ((wire[2 * i] & 0xFF) << 8) | (wire[2 * i + 1] & 0xFF);
            }
            return w;
        }
    }

    public static final List<String> ORDERS16 = List.of("AB", "BA");
    public static final List<String> ORDERS32 = List.of("ABCD", "BADC", "CDAB", "DCBA");
    public static final List<String> ORDERS64 = List.of("ABCDEFGH", "BADCFEHG", "GHEFCDAB", "HGFEDCBA");

    private KnownValues() {
    }

    public static List<Case> all() {
        List<Case> out = new ArrayList<>();
        add(out, DataType.INT16, Value.of(-12_345L), ByteBuffer.allocate(2).putShort((short) -12_345).array(), ORDERS16);
        add(out, DataType.UINT16, Value.of(54_321L), ByteBuffer.allocate(2).putShort((short) 54_321).array(), ORDERS16);
        add(out, DataType.INT32, Value.of(-123_456_789L), ByteBuffer.allocate(4).putInt(-123_456_789).array(), ORDERS32);
        add(out, DataType.UINT32, Value.of(4_000_000_000L), ByteBuffer.allocate(4).putInt((int) 4_000_000_000L).array(), ORDERS32);
        add(out, DataType.FLOAT32, Value.ofFloat32(123.456f), ByteBuffer.allocate(4).putFloat(123.456f).array(), ORDERS32);
        add(out, DataType.INT64, Value.of(-1_234_567_890_123_456L),
                ByteBuffer.allocate(8).putLong(-1_234_567_890_123_456L).array(), ORDERS64);
        add(out, DataType.UINT64, new Value.UInt64(0xFEDC_BA98_7654_3210L),
                ByteBuffer.allocate(8).putLong(0xFEDC_BA98_7654_3210L).array(), ORDERS64);
        add(out, DataType.FLOAT64, Value.of(-98_765.4321), ByteBuffer.allocate(8).putDouble(-98_765.4321).array(), ORDERS64);
        return out;
    }

    private static void add(List<Case> out, DataType type, Value value, byte[] bigEndian, List<String> orders) {
        for (String order : orders) {
            out.add(new Case(type, order, value, wire(bigEndian, order)));
        }
    }

    /** Lays out big-endian bytes as the order name says: letter i of the name is the value byte at wire byte i. */
    public static byte[] wire(byte[] bigEndian, String order) {
        byte[] w = new byte[bigEndian.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = bigEndian[order.charAt(i) - 'A'];
        }
        return w;
    }

    /** A point id for a case, e.g. {@code float32-cdab}. */
    public static String id(Case c) {
        return c.type() + "-" + c.order().toLowerCase(java.util.Locale.ROOT);
    }

    /** YAML point entries for every case, from {@code firstIndex} (0-based holding index), 4 registers apart. */
    public static String yamlPoints(List<Case> cases, int firstIndex) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            s.append("- {id: ").append(id(c)).append(", table: holding, index: ").append(firstIndex + 4 * i)
                    .append(", type: ").append(c.type()).append(", byte-order: ").append(c.order()).append("}\n");
        }
        return s.toString();
    }
}
