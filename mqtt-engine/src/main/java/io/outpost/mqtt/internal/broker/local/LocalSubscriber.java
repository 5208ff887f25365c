package io.outpost.mqtt.internal.broker.local;

import io.netty.util.concurrent.EventExecutor;
import io.outpost.core.log.SafeText;
import io.outpost.core.message.Message;
import io.outpost.mqtt.internal.broker.routing.Subscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process subscription ({@link io.outpost.mqtt.api.LocalBroker#subscribe}): hands routed messages to a
 * handler on its own event loop, retained messages first. Messages routed to it before its retained messages were
 * handed over wait, so that a stale retained value never follows a newer live one. Delivered messages carry the
 * granted QoS and the publisher's RETAIN flag (retained messages sent on subscribe: RETAIN set).
 */
public final class LocalSubscriber implements Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSubscriber.class);

    private final EventExecutor executor;
    private final Consumer<Message> handler;
    private final String name;
    // Confined to the executor.
    private boolean retainedDone;
    private List<Message> early = new ArrayList<>();
    private volatile boolean closed;

    public LocalSubscriber(EventExecutor executor, Consumer<Message> handler, String name) {
        this.executor = executor;
        this.handler = handler;
        this.name = name;
    }

    @Override
    public String clientId() {
        return null;
    }

    @Override
    public EventExecutor executor() {
        return executor;
    }

    @Override
    public boolean online() {
        return !closed;
    }

    @Override
    public void deliver(Message message, int qos, boolean retain, int[] subscriptionIds) {
        Message m = message.withQosAndRetain(qos, retain);
        if (!retainedDone) {
            early.add(m);
        } else {
            handle(m);
        }
    }

    /** Hands over the retained messages found at subscribe, then what arrived meanwhile. On the executor. */
    public void start(List<Message> retained, int grantedQos) {
        for (Message m : retained) {
            handle(m.withQosAndRetain(Math.min(m.qos(), grantedQos), true));
        }
        retainedDone = true;
        List<Message> waiting = early;
        early = null;
        waiting.forEach(this::handle);
    }

    public void close() {
        closed = true;
    }

    private void handle(Message m) {
        if (closed) {
            return;
        }
        try {
            handler.accept(m);
        } catch (RuntimeException e) {
            // A handler's bug must not stop the event loop that serves other clients.
            LOG.warn("in-process subscriber {} failed on a message on {}", name, SafeText.of(m.topic()), e);
        }
    }
}
