package io.outpost.mqtt.internal.broker.forward;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageRejectedException;
import io.outpost.mqtt.api.ForwardingHold;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Messages accepted while the forwarders are being replaced, in the order they were accepted (per publisher, as each
 * publisher's messages come from one session loop), each with the stage the broker acknowledges on. Bounded: a
 * network client's message beyond the bound is refused (MQTT 5 reason 0x97, 3.1.1 a closed connection, so the
 * publisher sends it again) rather than dropped after an acknowledgement.
 *
 * <p>Made by {@link Forwarders#hold}; {@link #add} is called on session loops under the read lock, {@link #release}
 * once, from the thread that swapped the forwarders (releasing twice does nothing).
 */
public final class ForwardHold implements ForwardingHold {

    private record Held(Message message, CompletableFuture<Void> acknowledged) {
    }

    private final int maxMessages;
    private final long maxBytes;
    private final Forwarders owner;
    private final Queue<Held> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger bounded = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger refused = new AtomicInteger();

    ForwardHold(int maxMessages, long maxBytes, Forwarders owner) {
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("hold bounds must be positive, found " + maxMessages + " messages, "
                    + maxBytes + " bytes");
        }
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.owner = owner;
    }

    CompletableFuture<Void> add(Message message) {
        if (!Message.ORIGIN_GATEWAY.equals(message.origin())) {
            long weight = message.payload().length + message.topic().length();
            int count = bounded.incrementAndGet();
            long total = bytes.addAndGet(weight);
            if (count > maxMessages || total > maxBytes) {
                bounded.decrementAndGet();
                bytes.addAndGet(-weight);
                refused.incrementAndGet();
                return CompletableFuture.failedFuture(new MessageRejectedException("reload-hold-full",
                        "the bridge is restarting and " + maxMessages + " messages / " + maxBytes
                                + " bytes are already waiting for it"));
            }
        }
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        queue.add(new Held(message, acknowledged));
        size.incrementAndGet();
        return acknowledged;
    }

    int size() {
        return size.get();
    }

    @Override
    public int refused() {
        return refused.get();
    }

    @Override
    public int release() {
        int held = size.get();
        owner.release(this);
        return held;
    }

    @Override
    public void close() {
        release();
    }

    void drainTo(Function<Message, CompletableFuture<Void>> forward) {
        for (Held h = queue.poll(); h != null; h = queue.poll()) {
            size.decrementAndGet();
            CompletableFuture<Void> acknowledged = h.acknowledged();
            forward.apply(h.message()).whenComplete((ok, error) -> {
                if (error != null) {
                    acknowledged.completeExceptionally(error);
                } else {
                    acknowledged.complete(null);
                }
            });
        }
    }
}
