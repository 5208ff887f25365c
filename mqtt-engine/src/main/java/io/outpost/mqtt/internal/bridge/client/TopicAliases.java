package io.outpost.mqtt.internal.bridge.client;

import java.util.HashMap;
import java.util.Map;

/**
 * MQTT 5 topic aliases of one connection, up to the server's Topic Alias Maximum. A topic gets an alias the first
 * time it is sent (topic and alias go together); later PUBLISHes carry only the 2-byte alias. Aliases are never
 * reassigned on a connection: with more topics than aliases, the first ones keep theirs and the rest go by name,
 * which never costs more than the alias property on their first PUBLISH (an LRU would thrash on round-robin
 * telemetry and send topic plus alias every time). Must be used in the order packets are written: on the upstream's
 * thread, which builds and queues packets in order.
 */
public final class TopicAliases {

    /** No aliases: MQTT 3.1.1, a server that allows none, or aliases turned off. */
    public static final TopicAliases NONE = new TopicAliases(0);

    private final int maximum;
    private final Map<String, Integer> assigned = new HashMap<>();

    public TopicAliases(int maximum) {
        this.maximum = Math.max(0, Math.min(maximum, 0xFFFF));
    }

    /** What a PUBLISH on {@code topic} carries: the alias (0 for none) and whether the topic name goes too. */
    public record Use(int alias, boolean withTopic) {
    }

    private static final Use BY_NAME = new Use(0, true);

    public Use use(String topic) {
        if (maximum == 0) {
            return BY_NAME;
        }
        Integer alias = assigned.get(topic);
        if (alias != null) {
            return new Use(alias, false);
        }
        if (assigned.size() >= maximum) {
            return BY_NAME;
        }
        int next = assigned.size() + 1;
        assigned.put(topic, next);
        return new Use(next, true);
    }

    /** What {@link #use} would return, without assigning (for sizing a PUBLISH). */
    public Use peek(String topic) {
        Integer alias = assigned.get(topic);
        if (alias != null) {
            return new Use(alias, false);
        }
        return maximum > assigned.size() ? new Use(assigned.size() + 1, true) : BY_NAME;
    }
}
