package io.outpost.mqtt.api;

import io.outpost.core.message.Message;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The broker's in-process API: the gateway's own parts (core, bridge) publish and subscribe with the same routing,
 * retained messages and forwarders as network clients, without sockets or serialization.
 */
public interface LocalBroker {

    /**
     * Publishes as if a client had sent a PUBLISH: routed to subscribers, retained when asked, and passed to every
     * {@link DurableForwarder}. The stage completes when every forwarder accepted it (QoS 1/2) or at once (QoS 0);
     * it fails with {@link io.outpost.core.message.MessageRejectedException} when a forwarder refused it.
     */
    CompletionStage<Void> publish(Message message);

    /**
     * Subscribes in-process to a topic filter (wildcards and shared subscriptions as for clients); retained
     * messages matching the filter are delivered first. The handler runs on an engine thread and must not block.
     */
    LocalSubscription subscribe(String topicFilter, int qos, Consumer<Message> handler);

    /** Registers a forwarder; it sees every message accepted from then on. */
    void addForwarder(DurableForwarder forwarder);

    void removeForwarder(DurableForwarder forwarder);

    /** A subscription made with {@link #subscribe}; closing it unsubscribes. */
    interface LocalSubscription extends AutoCloseable {
        @Override
        void close();
    }
}
