package io.outpost.mqtt.bridge.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A shared zstd dictionary read at load time. Its id (from the dictionary's header; 0 for a raw-content
 * dictionary) is what queued records and zstd frames name it by, so a consumer holding several picks the right one.
 */
public record ZstdDictionary(Path path, int id, byte[] content) {

    private static final int MAGIC = 0xEC30A437;

    public ZstdDictionary {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
    }

    /** The id a dictionary's header names (little-endian after the magic number), or 0 for raw content. */
    public static int idOf(byte[] content) {
        if (content.length < 8 || littleEndianInt(content, 0) != MAGIC) {
            return 0;
        }
        return littleEndianInt(content, 4);
    }

    private static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZstdDictionary d && d.path.equals(path) && d.id == id && Arrays.equals(d.content, content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, id);
    }

    @Override
    public String toString() {
        return path + " (id " + Integer.toUnsignedString(id) + ")";
    }
}
