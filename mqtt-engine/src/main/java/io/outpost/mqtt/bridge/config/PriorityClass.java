package io.outpost.mqtt.bridge.config;

import io.outpost.mqtt.api.TopicFilter;
import java.util.List;
import java.util.Objects;

/**
 * A class of queued messages, chosen by local topic: the first class whose filters match a topic takes it.
 *
 * @param priority a weight: while several classes have messages waiting, each gets send slots in proportion to its
 *                 priority, so alarms overtake a telemetry backlog without starving it; when the store is full, a
 *                 class may evict drop-oldest classes of lower priority
 * @param overflow what happens to a new message of this class when the store is full and nothing of lower
 *                 priority can be evicted
 */
public record PriorityClass(String name, List<TopicFilter> topics, int priority, OverflowPolicy overflow) {

    /** The class of topics no configured class matches, unless a class named so is configured. */
    public static final String DEFAULT_NAME = "default";

    public PriorityClass {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(overflow, "overflow");
        topics = List.copyOf(topics);
        if (priority < 1 || priority > 1000) {
            throw new IllegalArgumentException("priority must be between 1 and 1000, found " + priority);
        }
    }

    public boolean matches(String topic) {
        for (TopicFilter f : topics) {
            if (f.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /** What the store does with a new message when it is full. */
    public enum OverflowPolicy {
        /** Evict the oldest queued messages of this class (a whole store segment at a time) to make room. */
        DROP_OLDEST,
        /** Refuse the new message ({@code store-full}); the publisher gets a negative acknowledgement. */
        REJECT_NEW
    }
}
