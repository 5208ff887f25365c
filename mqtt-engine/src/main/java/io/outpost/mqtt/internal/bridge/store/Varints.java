package io.outpost.mqtt.internal.bridge.store;

import java.nio.ByteBuffer;

/** Unsigned LEB128 varints and zigzag, as the compact store records use them. Stateless. */
final class Varints {

    private Varints() {
    }

    static void put(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    static long get(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("a varint longer than 10 bytes");
    }

    static void putSigned(ByteBuffer b, long v) {
        put(b, (v << 1) ^ (v >> 63));
    }

    static long getSigned(ByteBuffer b) {
        long z = get(b);
        return (z >>> 1) ^ -(z & 1);
    }

    static int size(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }
}
