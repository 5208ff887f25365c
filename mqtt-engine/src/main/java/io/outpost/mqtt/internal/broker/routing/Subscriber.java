package io.outpost.mqtt.internal.broker.routing;

import io.netty.util.concurrent.EventExecutor;
import io.outpost.core.message.Message;

/**
 * Something that receives routed messages: a client's session or an in-process subscription. Each subscriber is
 * owned by one thread, its {@link #executor()}; {@link #deliver} is only ever called there, so a subscriber's
 * state needs no locks.
 */
public interface Subscriber {

    /** The client identifier for No Local, or null for in-process subscribers. */
    String clientId();

    /** The thread that owns this subscriber. */
    EventExecutor executor();

    /** Whether a client is connected now; read from any thread to prefer online members of shared groups. */
    boolean online();

    /**
     * Takes one routed message. Called on {@link #executor()}; must not block.
     *
     * @param qos             the QoS to deliver with (already the minimum of publication and subscription)
     * @param retain          the RETAIN flag to deliver with
     * @param subscriptionIds MQTT 5 subscription identifiers of the matching subscriptions (may be empty)
     */
    void deliver(Message message, int qos, boolean retain, int[] subscriptionIds);
}
