package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Value;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code ts-batch} point table: the points a batch topic's batches name by index, each with its usual value kind,
 * its float scheme and a reference value the first reading of a batch is predicted from. Published retained on
 * {@code <batch topic>/_table/<id>}; its id is the first 4 bytes of the SHA-256 of its content, so the same points
 * and references give the same id after a restart. Immutable; the layout is in {@code docs/uplink-formats.md}.
 */
public final class TsTable {

    /** First byte of a table payload. */
    public static final int MARKER = 0xE2;
    /** The float scheme of an entry that XORs bits instead of counting decimals. */
    public static final int XOR = 0xFF;
    /** Decimal places the decimal scheme takes at most (10^15 and every integer up to 2^53 are exact doubles). */
    public static final int MAX_DECIMALS = 15;

    /**
     * One point of the table.
     *
     * @param kind      the {@link TsKind} of its plain readings
     * @param scheme    for floats: decimal places (0 to 15) or {@link #XOR}; 0 otherwise
     * @param rice      the Rice parameter (0 to 62) of its changes, for integers and the decimal scheme; 0 otherwise
     * @param reference the value its first reading in a batch is predicted from (for the decimal scheme, a
     *                  {@link Value.Int} holding the scaled integer); null for kinds without prediction
     */
    public record Entry(PointRef point, int kind, int scheme, int rice, Value reference) {

        public Entry(PointRef point, int kind, int scheme, Value reference) {
            this(point, kind, scheme, 0, reference);
        }

        /** True when its plain readings are written as changes in the Rice code. */
        boolean usesRice() {
            return kind == TsKind.INT || kind == TsKind.UINT64
                    || ((kind == TsKind.FLOAT64 || kind == TsKind.FLOAT32) && scheme != XOR);
        }
    }

    /**
     * The table of batches without readings (messages only, such as the gateway's status): id 0, never published;
     * a decoder knows it without asking.
     */
    public static final TsTable EMPTY = new TsTable(0, List.of(), new byte[] {0});

    private final long id;
    private final List<Entry> entries;
    private final Map<PointRef, Integer> index;
    private final byte[] body;

    private TsTable(long id, List<Entry> entries, byte[] body) {
        this.id = id;
        this.entries = List.copyOf(entries);
        this.body = body;
        this.index = new HashMap<>(entries.size() * 2);
        for (int i = 0; i < entries.size(); i++) {
            index.putIfAbsent(entries.get(i).point(), i);
        }
    }

    public static TsTable of(List<Entry> entries) {
        byte[] content = content(entries);
        long id = idOf(content);
        // Id 0 is the empty table's: a table hashing to 0 takes 1 (its content is still checked by its hash).
        return new TsTable(id == 0 ? 1 : id, entries, content);
    }

    /** The table's id, an unsigned 32-bit number. */
    public long id() {
        return id;
    }

    /** The id as the last level of the table's topic: 8 lower-case hex digits. */
    public String idHex() {
        return String.format("%08x", id);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The index of a point's entry, or -1. */
    public int indexOf(PointRef p) {
        Integer i = index.get(p);
        return i == null ? -1 : i;
    }

    /** The table's payload before compression. */
    public byte[] encode() {
        byte[] out = new byte[body.length + 6];
        out[0] = (byte) MARKER;
        out[1] = 0;
        for (int i = 0; i < 4; i++) {
            out[2 + i] = (byte) (id >>> (24 - 8 * i));
        }
        System.arraycopy(body, 0, out, 6, body.length);
        return out;
    }

    /** Reads a table payload (decompressed); the id must match the content. */
    public static TsTable decode(byte[] payload) {
        if (payload.length < 6 || (payload[0] & 0xFF) != MARKER || payload[1] != 0) {
            throw new TsFormatException("not a ts-batch point table (marker E2 00 expected)");
        }
        long id = 0;
        for (int i = 2; i < 6; i++) {
            id = (id << 8) | (payload[i] & 0xFF);
        }
        ByteReader r = new ByteReader(payload, 6);
        long n = r.varint();
        if (Long.compareUnsigned(n, payload.length) > 0) { // unsigned: a varint may exceed 2^63
            throw new TsFormatException("a table of " + Long.toUnsignedString(n) + " entries in " + payload.length + " bytes");
        }
        List<Entry> entries = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            String device = r.text();
            String point = r.text();
            int kind = r.u8();
            int scheme = 0;
            int rice = 0;
            Value ref = null;
            switch (kind) {
                case TsKind.NULL, TsKind.ARRAY -> {
                    // No reference: these kinds are written raw.
                }
                case TsKind.BOOL -> ref = Value.of(r.u8() != 0);
                case TsKind.INT -> {
                    rice = rice(r.u8());
                    ref = Value.of(TsCode.unzigzag(r.varint()));
                }
                case TsKind.UINT64 -> {
                    rice = rice(r.u8());
                    ref = new Value.UInt64(r.varint());
                }
                case TsKind.TEXT -> ref = new Value.Text(r.text());
                case TsKind.FLOAT64, TsKind.FLOAT32 -> {
                    scheme = r.u8();
                    if (scheme == XOR) {
                        ref = kind == TsKind.FLOAT64 ? new Value.Real(Double.longBitsToDouble(r.fixed(8)), false)
                                : new Value.Real(Float.intBitsToFloat((int) r.fixed(4)), true);
                    } else if (scheme <= MAX_DECIMALS) {
                        rice = rice(r.u8());
                        ref = Value.of(TsCode.unzigzag(r.varint()));
                    } else {
                        throw new TsFormatException("float scheme " + scheme + " is neither 0-15 decimals nor FF");
                    }
                }
                default -> throw new TsFormatException("unknown value kind " + kind);
            }
            entries.add(new Entry(new PointRef(device, point), kind, scheme, rice, ref));
        }
        if (r.pos != payload.length) {
            throw new TsFormatException((payload.length - r.pos) + " bytes after the table's last entry");
        }
        byte[] content = java.util.Arrays.copyOfRange(payload, 6, payload.length);
        long expected = idOf(content);
        if ((expected == 0 ? 1 : expected) != id) {
            throw new TsFormatException("the table's id " + String.format("%08x", id) + " does not match its content");
        }
        return new TsTable(id, entries, content);
    }

    private static int rice(int k) {
        if (k > 62) {
            throw new TsFormatException("Rice parameter " + k + " is over 62");
        }
        return k;
    }

    private static byte[] content(List<Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(entries.size() * 24 + 8);
        varint(out, entries.size());
        for (Entry e : entries) {
            text(out, e.point().device());
            text(out, e.point().point());
            out.write(e.kind());
            Value ref = e.reference();
            switch (e.kind()) {
                case TsKind.BOOL -> out.write(((Value.Bool) ref).value() ? 1 : 0);
                case TsKind.INT -> {
                    out.write(e.rice());
                    varint(out, TsCode.zigzag(((Value.Int) ref).value()));
                }
                case TsKind.UINT64 -> {
                    out.write(e.rice());
                    varint(out, ((Value.UInt64) ref).bits());
                }
                case TsKind.TEXT -> text(out, ((Value.Text) ref).value());
                case TsKind.FLOAT64, TsKind.FLOAT32 -> {
                    out.write(e.scheme());
                    if (e.scheme() != XOR) {
                        out.write(e.rice());
                        varint(out, TsCode.zigzag(((Value.Int) ref).value()));
                    } else if (e.kind() == TsKind.FLOAT64) {
                        fixed(out, Double.doubleToRawLongBits(((Value.Real) ref).value()), 8);
                    } else {
                        fixed(out, Float.floatToRawIntBits((float) ((Value.Real) ref).value()), 4);
                    }
                }
                default -> {
                    // NULL, ARRAY: no reference.
                }
            }
        }
        return out.toByteArray();
    }

    private static long idOf(byte[] content) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(content);
            return ((sha[0] & 0xFFL) << 24) | ((sha[1] & 0xFF) << 16) | ((sha[2] & 0xFF) << 8) | (sha[3] & 0xFF);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void text(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(out, b.length);
        out.write(b, 0, b.length);
    }

    private static void fixed(ByteArrayOutputStream out, long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    /** Byte-level reads of untrusted input: every overrun is a {@link TsFormatException}. */
    static final class ByteReader {
        private final byte[] b;
        int pos;

        ByteReader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        int u8() {
            if (pos >= b.length) {
                throw new TsFormatException("the payload ends early at byte " + pos);
            }
            return b[pos++] & 0xFF;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new TsFormatException("a varint longer than 10 bytes at byte " + pos);
        }

        long fixed(int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | u8();
            }
            return v;
        }

        byte[] bytes(long n) {
            if (n < 0 || n > b.length - pos) {
                throw new TsFormatException("a length of " + Long.toUnsignedString(n) + " bytes runs past the end");
            }
            byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + (int) n);
            pos += (int) n;
            return out;
        }

        String text() {
            return new String(bytes(varint()), StandardCharsets.UTF_8);
        }
    }
}
