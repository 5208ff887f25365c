package io.outpost.mqtt.internal.bridge.testing;

import io.outpost.core.message.Message;
import io.outpost.mqtt.api.DurableForwarder;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.api.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * A {@link LocalBroker} in memory for the bridge's tests, until they run against the real broker: routes with
 * {@link TopicFilter}, keeps retained messages, and completes a publish only once every forwarder's stage did (the
 * broker's contract). Thread-safe; a publish runs on the caller's thread.
 */
public final class InMemoryLocalBroker implements LocalBroker {

    private record Sub(TopicFilter filter, Consumer<Message> handler) {
    }

    private final List<DurableForwarder> forwarders = new CopyOnWriteArrayList<>();
    private final List<Sub> subscriptions = new CopyOnWriteArrayList<>();
    private final Map<String, Message> retained = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> publish(Message message) {
        if (message.retain()) {
            if (message.payload().length == 0) {
                retained.remove(message.topic());
            } else {
                retained.put(message.topic(), message);
            }
        }
        for (Sub s : subscriptions) {
            if (s.filter.matches(message.topic())) {
                s.handler.accept(message);
            }
        }
        CompletableFuture<?>[] stages = new CompletableFuture<?>[forwarders.size()];
        for (int i = 0; i < stages.length; i++) {
            stages[i] = forwarders.get(i).accept(message).toCompletableFuture();
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(stages);
        return message.qos() == 0 ? CompletableFuture.completedFuture(null) : all;
    }

    /** Publishes a batch as the core does (one forwarder append for the whole batch). */
    public CompletionStage<Void> publishBatch(List<Message> batch) {
        for (Message m : batch) {
            if (m.retain()) {
                retained.put(m.topic(), m);
            }
            for (Sub s : subscriptions) {
                if (s.filter.matches(m.topic())) {
                    s.handler.accept(m);
                }
            }
        }
        CompletableFuture<?>[] stages = new CompletableFuture<?>[forwarders.size()];
        for (int i = 0; i < stages.length; i++) {
            stages[i] = forwarders.get(i).acceptBatch(batch).toCompletableFuture();
        }
        return CompletableFuture.allOf(stages);
    }

    /** Publishes a plain message as a local client would. */
    public CompletionStage<Void> publish(String topic, String payload, int qos) {
        return publish(Message.of(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false, "test-client",
                System.currentTimeMillis()));
    }

    /**
     * Publishes messages 0..n-1 (the number is the payload) round-robin on {@code topics} topics named
     * {@code prefix + k}, like many field devices at once: up to {@code window} publishes wait for their hand-over.
     */
    public void publishNumbered(String prefix, int topics, long n, int window) throws InterruptedException {
        publishNumbered(prefix, topics, n, window, "%d");
    }

    /** As above with the payload {@code String.format(format, number)}. */
    public void publishNumbered(String prefix, int topics, long n, int window, String format) throws InterruptedException {
        Semaphore permits = new Semaphore(window);
        for (long i = 0; i < n; i++) {
            permits.acquire();
            publish(prefix + (i % topics), String.format(format, i), 1).whenComplete((ok, err) -> permits.release());
        }
        permits.acquire(window);
    }

    @Override
    public LocalSubscription subscribe(String topicFilter, int qos, Consumer<Message> handler) {
        Sub sub = new Sub(TopicFilter.parse(topicFilter), handler);
        retained.values().stream().filter(m -> sub.filter.matches(m.topic())).forEach(handler);
        subscriptions.add(sub);
        return () -> subscriptions.remove(sub);
    }

    @Override
    public void addForwarder(DurableForwarder forwarder) {
        forwarders.add(forwarder);
    }

    @Override
    public void removeForwarder(DurableForwarder forwarder) {
        forwarders.remove(forwarder);
    }

    public int forwarderCount() {
        return forwarders.size();
    }

    /** The retained message on a topic, or null. */
    public Message retained(String topic) {
        return retained.get(topic);
    }
}
