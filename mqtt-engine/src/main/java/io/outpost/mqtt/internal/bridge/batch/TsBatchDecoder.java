package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Reads a {@code ts-batch} payload (after decompression) with its point table: the reference decoder of the format,
 * used by the tests and the benchmark, and a model for decoders in other languages. Malformed input of any kind is a
 * {@link TsFormatException}. Stateless and thread-safe.
 */
public final class TsBatchDecoder {

    /** A message of the batch that was not a reading: its local topic, receive time and payload. */
    public record Other(String topic, long receivedAtMillis, byte[] payload) {
    }

    /** A decoded batch; {@code readings} are in table order, each point's in their order. */
    public record Batch(long tableId, boolean history, List<Sample> readings, List<Other> messages) {
    }

    private TsBatchDecoder() {
    }

    /** The id of the table a batch payload names. */
    public static long tableId(byte[] payload) {
        header(payload);
        return ((payload[2] & 0xFFL) << 24) | ((payload[3] & 0xFF) << 16) | ((payload[4] & 0xFF) << 8) | (payload[5] & 0xFF);
    }

    /**
     * @param tables the table of a given id, or null when it is not known (then {@link TsFormatException})
     */
    public static Batch decode(byte[] payload, LongFunction<TsTable> tables) {
        int flags = header(payload);
        long id = tableId(payload);
        TsTable table = id == 0 ? TsTable.EMPTY : tables.apply(id);
        if (table == null) {
            throw new TsFormatException("table " + String.format("%08x", id) + " is not known");
        }
        TsTable.ByteReader bytes = new TsTable.ByteReader(payload, 6);
        long base = TsCode.unzigzag(bytes.varint());
        BitReader r = new BitReader(payload, bytes.pos, payload.length);
        int entries = table.entries().size();
        long[] counts = new long[entries];
        long total = 0;
        if (!r.bit()) {
            for (int e = 0; e < entries; e++) {
                counts[e] = readCount(r);
                total = checkedTotal(total, counts[e], r);
            }
        } else {
            long present = r.u();
            long index = -1;
            for (long k = 0; k < present; k++) {
                index = index + 1 + r.u();
                if (index < 0 || index >= entries) {
                    throw new TsFormatException("entry " + index + " is not in table " + table.idHex());
                }
                long c = readCount(r);
                counts[(int) index] += c;
                total = checkedTotal(total, c, r);
            }
        }
        int n = (int) total;
        long[] times = new long[n];
        long prevFirst = base;
        long interval = 0;
        int i = 0;
        for (int e = 0; e < entries; e++) {
            if (counts[e] == 0) {
                continue;
            }
            long t = prevFirst + r.s();
            prevFirst = t;
            times[i++] = t;
            for (long k = 1; k < counts[e]; k++) {
                interval += r.s();
                t += interval;
                times[i++] = t;
            }
        }
        boolean[] plain = new boolean[n];
        int filled = 0;
        boolean state = true;
        while (filled < n) {
            long run = r.u();
            if (run > n - filled) {
                throw new TsFormatException("a run of " + Long.toUnsignedString(run) + " readings runs past " + n);
            }
            for (long k = 0; k < run; k++) {
                plain[filled++] = state;
            }
            state = !state;
        }
        List<Sample> readings = new ArrayList<>(n);
        i = 0;
        for (int e = 0; e < entries; e++) {
            if (counts[e] > 0) {
                i = readValues(r, table.entries().get(e), plain, times, i, (int) counts[e], readings);
            }
        }
        List<Other> messages = new ArrayList<>();
        if ((flags & TsBatchEncoder.FLAG_MESSAGES) != 0) {
            TsTable.ByteReader m = new TsTable.ByteReader(payload, r.alignedByte());
            long count = m.varint();
            if (Long.compareUnsigned(count, payload.length) > 0) {
                throw new TsFormatException(Long.toUnsignedString(count) + " messages in " + payload.length + " bytes");
            }
            for (long k = 0; k < count; k++) {
                String topic = new String(m.bytes(m.varint()), StandardCharsets.UTF_8);
                long at = base + TsCode.unzigzag(m.varint());
                messages.add(new Other(topic, at, m.bytes(m.varint())));
            }
        }
        return new Batch(id, (flags & TsBatchEncoder.FLAG_HISTORY) != 0, readings, messages);
    }

    private static int header(byte[] payload) {
        if (payload.length < 7 || (payload[0] & 0xFF) != TsBatchEncoder.MARKER) {
            throw new TsFormatException("not a ts-batch payload (marker E1 expected)");
        }
        int flags = payload[1] & 0xFF;
        if ((flags & ~(TsBatchEncoder.FLAG_HISTORY | TsBatchEncoder.FLAG_MESSAGES)) != 0) {
            throw new TsFormatException("unknown flags " + Integer.toHexString(flags));
        }
        return flags;
    }

    private static long readCount(BitReader r) {
        if (r.bit()) {
            return 1;
        }
        long c = r.u();
        return c == 0 ? 0 : c + 1;
    }

    /** Every reading takes at least one bit of time: more readings than bits left is malformed. */
    private static long checkedTotal(long total, long more, BitReader r) {
        if (more < 0 || more > r.remaining() || total + more > r.remaining() + total) {
            throw new TsFormatException("a count of " + Long.toUnsignedString(more) + " readings in "
                    + r.remaining() + " bits");
        }
        return total + more;
    }

    private static int readValues(BitReader r, TsTable.Entry entry, boolean[] plain, long[] times, int i, int count,
                                  List<Sample> out) {
        Value ref = entry.reference();
        boolean single = entry.kind() == TsKind.FLOAT32;
        long prev = switch (entry.kind()) {
            case TsKind.INT -> ((Value.Int) ref).value();
            case TsKind.UINT64 -> ((Value.UInt64) ref).bits();
            case TsKind.FLOAT64, TsKind.FLOAT32 -> entry.scheme() == TsTable.XOR
                    ? TsFloats.bits(((Value.Real) ref).value(), single) : ((Value.Int) ref).value();
            default -> 0;
        };
        String prevText = entry.kind() == TsKind.TEXT ? ((Value.Text) ref).value() : null;
        for (int k = 0; k < count; k++, i++) {
            if (!plain[i]) {
                int status = (int) r.bits(2);
                if (status > 2) {
                    throw new TsFormatException("quality 3 is not defined");
                }
                String reason = TsKind.text(r);
                Value v = TsKind.readRaw(r);
                Quality q = new Quality(Quality.Status.values()[status], reason);
                if (v == null && q.isGood()) {
                    throw new TsFormatException("a good reading without a value");
                }
                out.add(new Sample(entry.point(), v, q, times[i]));
                continue;
            }
            Value v;
            switch (entry.kind()) {
                case TsKind.BOOL -> v = Value.of(r.bit());
                case TsKind.INT -> {
                    prev += TsCode.unzigzag(TsCode.readRice(r, entry.rice()));
                    v = Value.of(prev);
                }
                case TsKind.UINT64 -> {
                    prev += TsCode.unzigzag(TsCode.readRice(r, entry.rice()));
                    v = new Value.UInt64(prev);
                }
                case TsKind.TEXT -> {
                    if (r.bit()) {
                        prevText = TsKind.text(r);
                    }
                    v = new Value.Text(prevText);
                }
                case TsKind.FLOAT64, TsKind.FLOAT32 -> {
                    if (entry.scheme() == TsTable.XOR) {
                        prev = TsFloats.readXor(r, prev, single);
                        v = real(prev, single);
                    } else {
                        long code = TsCode.readRice(r, entry.rice());
                        if (code == 1) {
                            v = real(r.bits(single ? 32 : 64), single);
                        } else {
                            prev = code == 0 ? prev : prev + TsCode.unzigzag(code - 1);
                            v = new Value.Real(TsFloats.decimal(prev, entry.scheme(), single), single);
                        }
                    }
                }
                case TsKind.ARRAY -> {
                    v = TsKind.readRaw(r);
                    if (v == null) {
                        throw new TsFormatException("a plain reading of an array point is null");
                    }
                }
                default -> throw new TsFormatException("a plain reading of a point of kind null");
            }
            out.add(new Sample(entry.point(), v, Quality.GOOD, times[i]));
        }
        return i;
    }

    private static Value real(long bits, boolean single) {
        return single ? new Value.Real(Float.intBitsToFloat((int) bits), true)
                : new Value.Real(Double.longBitsToDouble(bits), false);
    }
}
