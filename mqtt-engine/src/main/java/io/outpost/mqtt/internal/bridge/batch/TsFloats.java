package io.outpost.mqtt.internal.bridge.batch;

import java.util.List;

/**
 * The two float schemes of {@code ts-batch} and the choice between them. Decimal: a value that is exactly
 * {@code m / 10^d} (computed as one IEEE division of doubles, then rounded to float for a float32 point) travels as
 * the change of the integer {@code m}, so a sensor's 21.37 -> 21.38 costs a few bits whatever its binary expansion.
 * XOR (Gorilla's idea): the bits of the value XOR the previous value's, as leading-zero count, length and the
 * meaningful bits. Which one a point uses is chosen when its table entry is made, by the bits each would take.
 */
final class TsFloats {

    /** 10^0 .. 10^15, all exact doubles. */
    static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    /** The scaled integer of a value the decimal scheme cannot carry. */
    static final long NONE = Long.MIN_VALUE;
    private static final double LIMIT = 9007199254740992.0; // 2^53

    private TsFloats() {
    }

    /** The value {@code m / 10^d} stands for, as the decoder computes it. */
    static double decimal(long m, int d, boolean single) {
        double v = (double) m / POW10[d];
        return single ? (double) (float) v : v;
    }

    /** The integer m with {@code decimal(m, d, single)} bit for bit equal to {@code v}, or {@link #NONE}. */
    static long scaled(double v, int d, boolean single) {
        double x = v * POW10[d];
        if (!(Math.abs(x) < LIMIT)) {
            return NONE; // NaN, infinities, too large
        }
        long m = Math.round(x);
        for (long c = m - 1; c <= m + 1; c++) {
            if (bits(decimal(c, d, single), single) == bits(v, single)) {
                return c;
            }
        }
        return NONE;
    }

    /** The fewest decimal places that carry {@code v} exactly, or -1. */
    static int decimals(double v, boolean single) {
        for (int d = 0; d <= TsTable.MAX_DECIMALS; d++) {
            if (scaled(v, d, single) != NONE) {
                return d;
            }
        }
        return -1;
    }

    static long bits(double v, boolean single) {
        return single ? Float.floatToRawIntBits((float) v) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(v);
    }

    /** Bits of one value under XOR after {@code prevBits}. */
    static int xorLength(long bits, long prevBits, boolean single) {
        long x = bits ^ prevBits;
        if (x == 0) {
            return 1;
        }
        int width = single ? 32 : 64;
        int fieldBits = single ? 5 : 6;
        int lz = Long.numberOfLeadingZeros(x) - (64 - width);
        int len = width - lz - Long.numberOfTrailingZeros(x);
        return 1 + 2 * fieldBits + len;
    }

    static void writeXor(BitWriter w, long bits, long prevBits, boolean single) {
        long x = bits ^ prevBits;
        if (x == 0) {
            w.bit(false);
            return;
        }
        int width = single ? 32 : 64;
        int fieldBits = single ? 5 : 6;
        int lz = Long.numberOfLeadingZeros(x) - (64 - width);
        int tz = Long.numberOfTrailingZeros(x);
        int len = width - lz - tz;
        w.bit(true);
        w.bits(lz, fieldBits);
        w.bits(len - 1, fieldBits);
        w.bits(x >>> tz, len);
    }

    static long readXor(BitReader r, long prevBits, boolean single) {
        if (!r.bit()) {
            return prevBits;
        }
        int width = single ? 32 : 64;
        int fieldBits = single ? 5 : 6;
        int lz = (int) r.bits(fieldBits);
        int len = (int) r.bits(fieldBits) + 1;
        if (lz + len > width) {
            throw new TsFormatException("an XOR of " + lz + " leading zeros and " + len + " bits is wider than " + width);
        }
        long x = r.bits(len) << (width - lz - len);
        return prevBits ^ x;
    }

    /** Code of a decimal-scheme reading: 0 unchanged, 1 escape (raw bits follow), else zigzag(change) + 1. */
    static long decimalCode(long m, long prevM) {
        if (m == NONE) {
            return 1;
        }
        return m == prevM ? 0 : TsCode.zigzag(m - prevM) + 1;
    }

    /**
     * The scheme and Rice parameter for a float point whose recent values, oldest first, are {@code series} (the last
     * one before this batch is the reference): the scheme that writes the changes along the series in fewer bits
     * (decimal on a tie), XOR when a value is no short decimal. Returns {scheme, rice}.
     */
    static int[] choose(List<Double> series, boolean single) {
        int d = 0;
        for (double v : series) {
            int dv = decimals(v, single);
            if (dv < 0) {
                return new int[] {TsTable.XOR, 0};
            }
            d = Math.max(d, dv);
        }
        long xorBits = 0;
        long[] codes = new long[Math.max(0, series.size() - 1)];
        for (int i = 1; i < series.size(); i++) {
            xorBits += xorLength(bits(series.get(i), single), bits(series.get(i - 1), single), single);
            codes[i - 1] = decimalCode(scaled(series.get(i), d, single), scaled(series.get(i - 1), d, single));
        }
        int k = TsCode.bestRice(codes);
        long decBits = 0;
        for (long c : codes) {
            decBits += TsCode.riceLength(c, k);
        }
        return decBits <= xorBits ? new int[] {d, k} : new int[] {TsTable.XOR, 0};
    }
}
