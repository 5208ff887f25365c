package io.outpost.mqtt.internal.bridge.batch;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The small part of CBOR (RFC 8949) the binary batch needs: definite-length maps and arrays, integers, text and byte
 * strings, floats, booleans and null, each in its shortest form. Not thread-safe; one per encoding.
 */
final class CborWriter {

    /** A growing byte array (not a ByteArrayOutputStream: its every write takes a lock). */
    private final Out out;

    CborWriter(int sizeHint) {
        this.out = new Out(sizeHint);
    }

    private static final class Out {
        private byte[] buf;
        private int size;

        Out(int sizeHint) {
            buf = new byte[Math.max(16, sizeHint)];
        }

        void write(int b) {
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, size * 2);
            }
            buf[size++] = (byte) b;
        }

        void write(byte[] b, int from, int length) {
            ensure(length);
            System.arraycopy(b, from, buf, size, length);
            size += length;
        }

        void ensure(int more) {
            if (buf.length - size < more) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    CborWriter map(int entries) {
        head(5, entries);
        return this;
    }

    CborWriter array(int items) {
        head(4, items);
        return this;
    }

    CborWriter integer(long v) {
        if (v >= 0) {
            head(0, v);
        } else {
            head(1, -1 - v);
        }
        return this;
    }

    /** An unsigned 64-bit integer given as its two's-complement bits. */
    CborWriter unsigned(long bits) {
        head(0, bits);
        return this;
    }

    CborWriter text(String s) {
        int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        if (!ascii) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            head(3, utf8.length);
            out.write(utf8, 0, utf8.length);
            return this;
        }
        // Device and point ids are ASCII: written as they are, without encoding them to a new array first.
        head(3, n);
        out.ensure(n);
        for (int i = 0; i < n; i++) {
            out.buf[out.size++] = (byte) s.charAt(i);
        }
        return this;
    }

    CborWriter bytes(byte[] b) {
        head(2, b.length);
        out.write(b, 0, b.length);
        return this;
    }

    CborWriter bool(boolean b) {
        out.write(b ? 0xF5 : 0xF4);
        return this;
    }

    CborWriter nil() {
        out.write(0xF6);
        return this;
    }

    /** A single-precision float (what a float32 point holds). */
    CborWriter float32(float f) {
        out.write(0xFA);
        int bits = Float.floatToIntBits(f);
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(bits >>> shift);
        }
        return this;
    }

    /** A double, written as a single when that keeps it exactly. */
    CborWriter float64(double d) {
        if ((double) (float) d == d || Double.isNaN(d)) {
            return float32((float) d);
        }
        out.write(0xFB);
        long bits = Double.doubleToLongBits(d);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (bits >>> shift));
        }
        return this;
    }


    byte[] toByteArray() {
        return out.toByteArray();
    }

    /** Major type and argument in the shortest encoding; {@code value} is unsigned. */
    private void head(int major, long value) {
        int m = major << 5;
        if (Long.compareUnsigned(value, 24) < 0) {
            out.write(m | (int) value);
        } else if (Long.compareUnsigned(value, 0x100) < 0) {
            out.write(m | 24);
            out.write((int) value);
        } else if (Long.compareUnsigned(value, 0x10000) < 0) {
            out.write(m | 25);
            out.write((int) (value >>> 8));
            out.write((int) value);
        } else if (Long.compareUnsigned(value, 0x1_0000_0000L) < 0) {
            out.write(m | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (value >>> shift));
            }
        } else {
            out.write(m | 27);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (value >>> shift));
            }
        }
    }
}
