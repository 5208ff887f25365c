package io.outpost.mqtt.internal.broker.forward;

import io.outpost.core.message.Message;
import io.outpost.mqtt.api.DurableForwarder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.StampedLock;

/**
 * The broker's {@link DurableForwarder}s, and the hold that covers a swap of them: while the bridge is replaced
 * (a hot reload), accepted messages wait in a {@link ForwardHold} instead of passing a moment in which no
 * forwarder is registered, and go to the new forwarders, in order, when the hold is released.
 *
 * <p>Threads: {@link #forward} runs on the broker's session loops, concurrently; the other methods on any thread.
 * A read lock around each hand-over makes {@link #hold} a clean cut: once it returns, no message is still on its way
 * to a forwarder registered before, and every later one is held. {@link #forward} never blocks for long: only while
 * a hold begins or is released (the release hands the held messages over, which forwarders do without blocking).
 */
public final class Forwarders {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final List<DurableForwarder> registered = new CopyOnWriteArrayList<>();
    private final StampedLock lock = new StampedLock();
    private volatile ForwardHold hold;

    public void add(DurableForwarder forwarder) {
        registered.add(forwarder);
    }

    public void remove(DurableForwarder forwarder) {
        registered.remove(forwarder);
    }

    /**
     * Hands an accepted message to every forwarder, or to the hold while there is one.
     *
     * @return completes when every forwarder made the message durable (at once when none is registered or no rule
     *         matches); fails with {@link io.outpost.core.message.MessageRejectedException} when one refused it or
     *         the hold is full
     */
    public CompletableFuture<Void> forward(Message message) {
        long stamp = lock.readLock();
        try {
            ForwardHold h = hold;
            return h != null ? h.add(message) : toAll(message);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Hands a batch of the core to every forwarder as one batch (one store append each), or, while there is a hold,
     * message by message to the hold.
     */
    public CompletableFuture<Void> forwardBatch(List<Message> batch) {
        long stamp = lock.readLock();
        try {
            ForwardHold h = hold;
            if (h == null) {
                return toAll(batch);
            }
            CompletableFuture<?>[] held = new CompletableFuture<?>[batch.size()];
            for (int i = 0; i < held.length; i++) {
                held[i] = h.add(batch.get(i));
            }
            return CompletableFuture.allOf(held);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Starts holding: from now on messages wait (their acknowledgement deferred) until {@link ForwardHold#release}.
     * Network clients' messages beyond {@code maxMessages} or {@code maxBytes} are refused; the core's (origin
     * {@link Message#ORIGIN_GATEWAY}) are always held, as the core bounds its own pending hand-overs.
     *
     * @throws IllegalStateException when a hold is already in place
     */
    public ForwardHold hold(int maxMessages, long maxBytes) {
        long stamp = lock.writeLock();
        try {
            if (hold != null) {
                throw new IllegalStateException("forwarding is already held");
            }
            ForwardHold h = new ForwardHold(maxMessages, maxBytes, this);
            hold = h;
            return h;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Messages held now (0 when there is no hold). */
    public int held() {
        ForwardHold h = hold;
        return h == null ? 0 : h.size();
    }

    /** Hands {@code h}'s messages to the forwarders registered now, in order, then ends the hold. */
    void release(ForwardHold h) {
        long stamp = lock.writeLock();
        try {
            if (hold != h) {
                return;
            }
            h.drainTo(this::toAll);
            hold = null;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private CompletableFuture<Void> toAll(Message message) {
        if (registered.isEmpty()) {
            return DONE;
        }
        Object[] all = registered.toArray();
        if (all.length == 1) {
            return stage((DurableForwarder) all[0], message);
        }
        CompletableFuture<?>[] stages = new CompletableFuture<?>[all.length];
        for (int i = 0; i < all.length; i++) {
            stages[i] = stage((DurableForwarder) all[i], message);
        }
        return CompletableFuture.allOf(stages);
    }

    private CompletableFuture<Void> toAll(List<Message> batch) {
        if (registered.isEmpty()) {
            return DONE;
        }
        Object[] all = registered.toArray();
        if (all.length == 1) {
            return batchStage((DurableForwarder) all[0], batch);
        }
        CompletableFuture<?>[] stages = new CompletableFuture<?>[all.length];
        for (int i = 0; i < all.length; i++) {
            stages[i] = batchStage((DurableForwarder) all[i], batch);
        }
        return CompletableFuture.allOf(stages);
    }

    private static CompletableFuture<Void> batchStage(DurableForwarder f, List<Message> batch) {
        try {
            return f.acceptBatch(batch).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletableFuture<Void> stage(DurableForwarder f, Message message) {
        try {
            return f.accept(message).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
