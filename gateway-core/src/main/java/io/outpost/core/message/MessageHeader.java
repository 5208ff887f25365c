package io.outpost.core.message;

import java.util.Objects;

/**
 * What routes a message: topic, QoS, RETAIN, the MQTT 5 properties and who published it. One header is shared by
 * every message of a point (made once when the point starts), so a reading adds only its own value to the heap.
 *
 * @param origin who published it: a client id, or {@link Message#ORIGIN_GATEWAY} for the core
 */
public record MessageHeader(String topic, int qos, boolean retain, MessageProperties properties, String origin) {

    public MessageHeader {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(origin, "origin");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
        properties = properties == null ? MessageProperties.NONE : properties;
    }

    /** The same header with another QoS and RETAIN flag. */
    public MessageHeader withQosAndRetain(int newQos, boolean newRetain) {
        return newQos == qos && newRetain == retain ? this : new MessageHeader(topic, newQos, newRetain, properties, origin);
    }
}
