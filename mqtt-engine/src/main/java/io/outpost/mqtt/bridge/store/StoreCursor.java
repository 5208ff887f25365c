package io.outpost.mqtt.bridge.store;

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

    @Override
    void close();
}
