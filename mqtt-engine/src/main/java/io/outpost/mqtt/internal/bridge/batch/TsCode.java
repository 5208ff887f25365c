package io.outpost.mqtt.internal.bridge.batch;

/**
 * The variable-length code U of {@code ts-batch} for an unsigned 64-bit value: a unary bucket prefix, then the
 * value's offset in the bucket in a fixed number of bits; small values (unchanged readings, steady poll intervals)
 * take one bit.
 * <pre>
 * 0                        value 0
 * 10   + 4 bits b          1 + b            (1 .. 16)
 * 110  + 8 bits b          17 + b           (17 .. 272)
 * 1110 + 16 bits b         273 + b          (273 .. 65,808)
 * 1111 + 6 bits k + (k+1) bits v   v        (any, written in k+1 bits)
 * </pre>
 * U carries what is mostly 0 or small (counts, changes of poll intervals, run lengths, lengths); the changes of
 * values go in the Rice code, whose parameter each point's table entry fits to that point's data.
 */
final class TsCode {

    /** Bits after the prefix of buckets 0 to 3. */
    static final int[] WIDTHS = {0, 4, 8, 16};
    /** The first value of buckets 0 to 3. */
    static final long[] BASES = {0, 1, 17, 273};
    static final long END = 273 + (1L << 16);

    private TsCode() {
    }

    static void write(BitWriter w, long v) {
        for (int i = 0; i < WIDTHS.length; i++) {
            if (Long.compareUnsigned(v, i + 1 < WIDTHS.length ? BASES[i + 1] : END) < 0) {
                w.bits((1L << (i + 1)) - 2, i + 1);
                w.bits(v - BASES[i], WIDTHS[i]);
                return;
            }
        }
        int n = Math.max(1, 64 - Long.numberOfLeadingZeros(v));
        w.bits(0xF, 4);
        w.bits(n - 1, 6);
        w.bits(v, n);
    }

    /** Bits {@link #write} takes for {@code v}. */
    static int length(long v) {
        for (int i = 0; i < WIDTHS.length; i++) {
            if (Long.compareUnsigned(v, i + 1 < WIDTHS.length ? BASES[i + 1] : END) < 0) {
                return i + 1 + WIDTHS[i];
            }
        }
        return 10 + Math.max(1, 64 - Long.numberOfLeadingZeros(v));
    }

    static long read(BitReader r) {
        int ones = 0;
        while (ones < WIDTHS.length && r.bit()) {
            ones++;
        }
        if (ones < WIDTHS.length) {
            return BASES[ones] + r.bits(WIDTHS[ones]);
        }
        int n = (int) r.bits(6) + 1;
        return r.bits(n);
    }

    /** Quotients from this on leave the Rice code for U. */
    static final int RICE_ESCAPE = 16;

    /**
     * The Rice code R(k) of a point's value changes: the quotient {@code u >>> k} in unary (ones ended by a zero), then
     * the low {@code k} bits; a quotient of 16 or more is written as 16 ones and then U(u). With k fitted to a point's
     * usual change (its table entry says k), a noisy sensor's change costs about log2(change) + 2 bits.
     */
    static void writeRice(BitWriter w, long u, int k) {
        long q = u >>> k;
        if (Long.compareUnsigned(q, RICE_ESCAPE) < 0) {
            w.bits((1L << (q + 1)) - 2, (int) q + 1);
            w.bits(u, k);
        } else {
            w.bits((1L << RICE_ESCAPE) - 1, RICE_ESCAPE);
            write(w, u);
        }
    }

    static int riceLength(long u, int k) {
        long q = u >>> k;
        return Long.compareUnsigned(q, RICE_ESCAPE) < 0 ? (int) q + 1 + k : RICE_ESCAPE + length(u);
    }

    static long readRice(BitReader r, int k) {
        int q = 0;
        while (q < RICE_ESCAPE && r.bit()) {
            q++;
        }
        if (q == RICE_ESCAPE) {
            return read(r);
        }
        return ((long) q << k) | r.bits(k);
    }

    /** The Rice parameter that writes {@code codes} in the fewest bits (0 for none). */
    static int bestRice(long[] codes) {
        int best = 0;
        long bestBits = Long.MAX_VALUE;
        for (int k = 0; k <= 62; k++) {
            long bits = 0;
            for (long c : codes) {
                bits += riceLength(c, k);
            }
            if (bits < bestBits) {
                bestBits = bits;
                best = k;
            }
        }
        return best;
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long u) {
        return (u >>> 1) ^ -(u & 1);
    }
}
