package io.outpost.mqtt.bridge.store;

/**
 * A queued message read back from the store.
 *
 * @param epoch when the store that appended it was opened (ms); with {@code seq} it names the message for good
 * @param seq   append sequence within the epoch
 */
public record StoredRecord(RecordRef ref, long epoch, long seq, QueuedMessage message) {

    /**
     * The stable id cloud consumers de-duplicate QoS 1 with: epoch and sequence in base 36, {@code <epoch>.<seq>}
     * (e.g. {@code mhz5q8kw.2n9i}), short because every byte crosses a billed link.
     */
    public String messageId() {
        return Long.toString(epoch, 36) + "." + Long.toString(seq, 36);
    }
}
