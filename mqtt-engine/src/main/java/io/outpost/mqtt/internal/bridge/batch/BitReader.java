package io.outpost.mqtt.internal.bridge.batch;

/**
 * Reads what {@link BitWriter} wrote: bits most significant first from a byte range. Every read past the end is a
 * {@link TsFormatException}, never an index error: the input is untrusted. Not thread-safe.
 */
final class BitReader {

    private final byte[] buf;
    private final int end;
    private long pos;

    BitReader(byte[] buf, int from, int end) {
        this.buf = buf;
        this.end = end;
        this.pos = (long) from * 8;
    }

    /** Reads {@code n} bits (0 to 64) as an unsigned value. */
    long bits(int n) {
        if (n > 32) {
            long high = bits(n - 32);
            return (high << 32) | bits(32);
        }
        if (remaining() < n) {
            throw new TsFormatException("the bit stream ends early (" + n + " bits wanted, " + remaining() + " left)");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            int byteIndex = (int) (pos >>> 3);
            int bit = (buf[byteIndex] >>> (7 - (int) (pos & 7))) & 1;
            v = (v << 1) | bit;
            pos++;
        }
        return v;
    }

    boolean bit() {
        return bits(1) == 1;
    }

    long u() {
        return TsCode.read(this);
    }

    long s() {
        return TsCode.unzigzag(TsCode.read(this));
    }

    byte[] bytes(long n) {
        if (n < 0 || n > remaining() / 8) {
            throw new TsFormatException("a length of " + Long.toUnsignedString(n) + " bytes runs past the end");
        }
        byte[] b = new byte[(int) n];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bits(8);
        }
        return b;
    }

    long remaining() {
        return (long) end * 8 - pos;
    }

    /** The index of the first byte after the current bit, once the stream's padding is skipped. */
    int alignedByte() {
        return (int) ((pos + 7) >>> 3);
    }
}
