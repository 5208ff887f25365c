package io.outpost.mqtt.internal.bridge.batch;

import java.util.Arrays;

/**
 * Writes bits most significant first into a growing byte array (the bit stream of {@code ts-batch}, see
 * {@code docs/uplink-formats.md}), with the format's variable-length code for unsigned integers. Not thread-safe.
 */
final class BitWriter {

    private byte[] buf;
    private int bytes;
    /** Bits pending in {@link #acc}, at most 7 between calls. */
    private long acc;
    private int pending;
    private long bitCount;

    BitWriter(int sizeHint) {
        buf = new byte[Math.max(16, sizeHint)];
    }

    /** Writes the low {@code n} bits of {@code value} (0 to 64), most significant first. */
    void bits(long value, int n) {
        if (n > 32) {
            bits(value >>> 32, n - 32);
            bits(value, 32);
            return;
        }
        if (n == 0) {
            return;
        }
        acc = (acc << n) | (value & ((1L << n) - 1));
        pending += n;
        bitCount += n;
        while (pending >= 8) {
            pending -= 8;
            put((int) (acc >>> pending));
        }
        acc &= (1L << pending) - 1;
    }

    void bit(boolean b) {
        bits(b ? 1 : 0, 1);
    }

    /** The variable-length code U for an unsigned 64-bit value (see {@link TsCode}). */
    void u(long value) {
        TsCode.write(this, value);
    }

    /** Zigzag then U: small magnitudes of either sign are short. */
    void s(long value) {
        TsCode.write(this, TsCode.zigzag(value));
    }

    void bytes(byte[] b) {
        for (byte x : b) {
            bits(x & 0xFF, 8);
        }
    }

    long bitCount() {
        return bitCount;
    }

    /** Pads the last byte with zero bits and returns everything written. */
    byte[] toByteArray() {
        if (pending > 0) {
            put((int) (acc << (8 - pending)));
            bitCount += 8 - pending;
            pending = 0;
            acc = 0;
        }
        return Arrays.copyOf(buf, bytes);
    }

    private void put(int b) {
        if (bytes == buf.length) {
            buf = Arrays.copyOf(buf, bytes * 2);
        }
        buf[bytes++] = (byte) b;
    }
}
