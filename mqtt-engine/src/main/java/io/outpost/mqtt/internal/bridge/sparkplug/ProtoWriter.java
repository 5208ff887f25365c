package io.outpost.mqtt.internal.bridge.sparkplug;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format (varints, fixed 32/64-bit, length-delimited fields) for the Sparkplug B payload schema,
 * which is small and frozen: written by hand so that the gateway ships no protobuf runtime (Tahu's brings
 * protobuf-java 3.25, Paho and its own logging). Tests decode the output with Tahu's generated classes. Not
 * thread-safe.
 */
final class ProtoWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    ProtoWriter uint64(int field, long v) {
        tag(field, 0);
        varint(v);
        return this;
    }

    ProtoWriter bool(int field, boolean v) {
        return uint64(field, v ? 1 : 0);
    }

    ProtoWriter fixed32(int field, int bits) {
        tag(field, 5);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i));
        }
        return this;
    }

    ProtoWriter fixed64(int field, long bits) {
        tag(field, 1);
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)));
        }
        return this;
    }

    ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] b) {
        tag(field, 2);
        varint(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter nested) {
        return bytes(field, nested.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        varint((long) field << 3 | wireType);
    }

    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
