package io.outpost.mqtt.internal.bridge.store;

/**
 * Reads one class's queued records in append order, for sending. Records in flight (taken) and removed ones are
 * skipped. Used by one thread (the upstream's); may block on disk reads, so never on an event loop.
 */
public interface StoreCursor extends AutoCloseable {

    /**
     * The next record not yet taken, or null when none is readable now (the listener's {@link
     * StoreListener#readable()} says when that changes).
     *
     * @throws java.io.UncheckedIOException when the file cannot be read; the cursor stays where it was
     */
    StoredRecord peek();

    /** Moves past the record {@link #peek()} returned. */
    void advance();

    /**
     * Moves past the messages received before {@code beforeMillis}, at most {@code max} of them, adding their remote
     * topics to {@code topics}; reads only what that needs (a record of readings is not decoded). Stops at the first
     * message received at or after {@code beforeMillis}, which {@link #peek()} then returns, or when nothing more is
     * readable now. For a live lane, which must learn which topics a backlog holds.
     *
     * @return how many messages it moved past
     */
    int skipBacklog(long beforeMillis, java.util.Set<String> topics, int max);

    @Override
    void close();
}
