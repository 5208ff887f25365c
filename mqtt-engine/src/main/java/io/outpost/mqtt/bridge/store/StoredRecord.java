package io.outpost.mqtt.bridge.store;

/**
 * A queued message read back from the store.
 *
 * @param epoch when the store that appended it was opened (ms); with {@code seq} it names the message for good
 * @param seq   append sequence within the epoch
 */
public record StoredRecord(RecordRef ref, long epoch, long seq, QueuedMessage message) {

    /** The stable id cloud consumers de-duplicate QoS 1 with: {@code <epoch>-<seq>}. */
    public String messageId() {
        return epoch + "-" + seq;
    }
}
