package io.outpost.core.config;

import java.util.Objects;

/** Where and how a point's messages go: the expanded topic, QoS, retain flag and payload format name. */
public record Publication(String topic, int qos, boolean retain, String format) {

    public Publication {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(format, "format");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
    }
}
