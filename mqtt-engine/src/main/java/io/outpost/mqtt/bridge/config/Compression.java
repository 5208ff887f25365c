package io.outpost.mqtt.bridge.config;

import java.util.Optional;

/** Compression of a packed payload; the codes are stored in queued records and never change. */
public enum Compression {
    NONE(0),
    /** zlib stream (RFC 1950): Python's {@code zlib.decompress}, Node's {@code zlib.inflateSync}. */
    DEFLATE(1),
    /** A zstd frame (RFC 8878), optionally with a shared dictionary whose id the frame names. */
    ZSTD(2);

    private final int code;

    Compression(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<Compression> ofCode(int code) {
        for (Compression c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
