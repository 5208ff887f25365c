package io.outpost.mqtt.bridge.config;

import java.util.Objects;

/**
 * How a forward rule's messages travel upstream when they do not go one by one as published: packed into batches
 * (or Sparkplug payloads), optionally compressed. Stored with every queued record, so that a record is packed as it
 * was queued even when the configuration changes while it waits. Immutable.
 *
 * @param maxDelayMillis how long a live reading may wait for companions before its batch is sent
 * @param maxBytes       bound of a batch's encoded size before compression
 * @param dictionaryId   the zstd dictionary to compress with (0 for none); looked up among the upstream's
 */
public record Packing(BatchFormat format, Compression compression, long maxDelayMillis, int maxBytes,
                      int dictionaryId) {

    public Packing {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(compression, "compression");
        if (maxDelayMillis < 0) {
            throw new IllegalArgumentException("maxDelayMillis must not be negative, found " + maxDelayMillis);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, found " + maxBytes);
        }
    }
}
