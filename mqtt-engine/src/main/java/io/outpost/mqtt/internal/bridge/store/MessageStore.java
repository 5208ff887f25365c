package io.outpost.mqtt.internal.bridge.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An upstream's durable queue: messages are appended when the broker accepts them and leave only when the upstream
 * acknowledged them or a policy dropped them (counted). Bounded in bytes, split into priority classes.
 *
 * <p><b>Threads.</b> {@link #append} and {@link #mark} are called from any thread and never block: they return a
 * stage that completes on the store's own writer thread once the change is on stable storage (per the sync
 * policy). Cursors, {@link #take} and {@link #remove} belong to the upstream's thread; removals are written in the
 * writer's next round and reach stable storage with the same group commit as appends (losing one in a power cut
 * means a resend, never a loss).
 *
 * <p><b>Lifecycle.</b> Opened (and recovered) by its factory, closed once; after close appends fail with
 * {@link io.outpost.core.message.MessageRejectedException} ({@code closed}).
 */
public interface MessageStore extends AutoCloseable {

    /** The classes, configured ones first in configuration order, then adopted ones. */
    List<StoreClass> classes();

    /**
     * Appends messages (all or none): a poll's readings as one record per class. Completes once they are durable;
     * fails with {@link io.outpost.core.message.MessageRejectedException} and reason {@code store-full} (no room and
     * nothing may be evicted), {@code disk-full}, {@code too-large}, {@code store-busy} (the writer is too far
     * behind), {@code store-error} or {@code closed}. The batch must not be changed afterwards.
     */
    CompletableFuture<Void> append(AppendBatch batch);

    /**
     * The index of a point's route in the store's route table (added when new); the forwarder asks once per route
     * and puts the index into every {@link AppendBatch} of that point's readings. Any thread.
     */
    int routeIndex(Route route);

    /** A cursor over one class; one per class at a time. */
    StoreCursor cursor(int classIndex);

    /**
     * Takes a record out of the queue into flight, so that the store neither hands it out again nor evicts it.
     * False when the record was evicted meanwhile (then it must not be sent).
     */
    boolean take(RecordRef ref);

    /** A taken record leaves the store (delivered or dropped); a record removed twice counts once. */
    void remove(RecordRef ref, Removal removal);

    /** Records QoS 2 handshake state of taken records; completes once durable. */
    CompletableFuture<Void> mark(List<Qos2Mark> marks);

    /**
     * The QoS 2 handshakes in flight when the store was last closed or crashed, oldest first; their records are
     * already taken. The upstream resumes them before anything else.
     */
    List<Handshake> recoveredHandshakes();

    StoreStats stats();

    @Override
    void close();

    /** A QoS 2 handshake in flight with its record. */
    record Handshake(StoredRecord record, Qos2Mark mark) {
    }
}
