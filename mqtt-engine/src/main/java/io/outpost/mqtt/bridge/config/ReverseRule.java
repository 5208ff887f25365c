package io.outpost.mqtt.bridge.config;

import java.util.Objects;

/** The bridge subscribes upstream to {@code to.filter()} with this QoS and publishes what arrives locally. */
public record ReverseRule(TopicRewrite to, int qos) {

    public ReverseRule {
        Objects.requireNonNull(to, "to");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
    }
}
