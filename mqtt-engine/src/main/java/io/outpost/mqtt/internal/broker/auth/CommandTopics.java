package io.outpost.mqtt.internal.broker.auth;

import java.util.Set;

/**
 * The gateway's command topics (one per writable point): a message there writes to a device. The MQTT engine keeps
 * the set current as devices come and go; the broker refuses them to clients that did not authenticate (unless
 * {@code anonymous-commands: true}) and as response topics. Thread-safe: a volatile immutable set.
 */
public final class CommandTopics {

    private volatile Set<String> topics = Set.of();

    /** Replaces the set (any thread). */
    public void set(Set<String> commandTopics) {
        this.topics = Set.copyOf(commandTopics);
    }

    public boolean contains(String topic) {
        return topics.contains(topic);
    }
}
