package io.outpost.mqtt.internal.broker.routing;

import io.outpost.mqtt.api.TopicFilter;
import java.util.Objects;

/**
 * One subscription of a subscriber, with its MQTT 5 options.
 *
 * @param shareGroup     the group of a {@code $share/group/filter} subscription, or null
 * @param retainHandling 0 send retained on subscribe, 1 only for a new subscription, 2 never
 * @param identifier     MQTT 5 subscription identifier, 0 for none
 */
public record Subscription(Subscriber subscriber, String shareGroup, TopicFilter filter, int qos, boolean noLocal,
                           boolean retainAsPublished, int retainHandling, int identifier) {

    public Subscription {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(filter, "filter");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
    }

    /** The text the client subscribed with, {@code $share/group/filter} for shared ones; the key of a session's subscriptions. */
    public String text() {
        return shareGroup == null ? filter.text() : "$share/" + shareGroup + "/" + filter.text();
    }
}
