package io.outpost.mqtt.internal.bridge.sparkplug;

import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf fields one by one (for NCMD/DCMD payloads). A malformed payload throws
 * {@link IllegalArgumentException}; the caller drops that one command. Not thread-safe.
 */
final class ProtoReader {

    private final byte[] buf;
    private int pos;
    private final int end;
    private int field;
    private int wireType;

    ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    private ProtoReader(byte[] buf, int from, int end) {
        this.buf = buf;
        this.pos = from;
        this.end = end;
    }

    /** Moves to the next field; false at the end. */
    boolean next() {
        if (pos >= end) {
            return false;
        }
        long tag = varint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        return true;
    }

    int field() {
        return field;
    }

    long varintValue() {
        expect(0);
        return varint();
    }

    int fixed32Value() {
        expect(5);
        check(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (buf[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    long fixed64Value() {
        expect(1);
        check(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (buf[pos++] & 0xFFL) << (8 * i);
        }
        return v;
    }

    String stringValue() {
        int length = lengthPrefix();
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    ProtoReader messageValue() {
        int length = lengthPrefix();
        ProtoReader nested = new ProtoReader(buf, pos, pos + length);
        pos += length;
        return nested;
    }

    /** Skips the current field's value, whatever its type. */
    void skip() {
        switch (wireType) {
            case 0 -> varint();
            case 1 -> {
                check(8);
                pos += 8;
            }
            case 2 -> pos += lengthPrefix();
            case 5 -> {
                check(4);
                pos += 4;
            }
            default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
        }
    }

    private int lengthPrefix() {
        expect(2);
        long length = varint();
        if (length < 0 || length > end - pos) {
            throw new IllegalArgumentException("a field claims " + length + " bytes, " + (end - pos) + " are left");
        }
        return (int) length;
    }

    private void expect(int type) {
        if (wireType != type) {
            throw new IllegalArgumentException("field " + field + " has wire type " + wireType + ", expected " + type);
        }
    }

    private void check(int n) {
        if (end - pos < n) {
            throw new IllegalArgumentException("the payload ends inside field " + field);
        }
    }

    private long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            check(1);
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("a varint longer than 10 bytes");
    }
}
