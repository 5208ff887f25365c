package io.outpost.mqtt.bridge.store;

import io.outpost.core.message.UserProperty;
import java.util.List;
import java.util.Objects;

/**
 * A message as an upstream's store keeps it: already mapped to its remote topic and QoS, so that what was queued is
 * exactly what is sent even if the rules change while it waits. Immutable; arrays are not copied.
 *
 * @param classIndex           the priority class (index into the store's classes)
 * @param messageExpirySeconds MQTT 5 message expiry as received, or null; lowered by the time queued when sent
 * @param receivedAtMillis     wall-clock time the gateway accepted it (queue age, expiry, max-age)
 */
public record QueuedMessage(int classIndex, String topic, byte[] payload, int qos, boolean retain,
                            List<UserProperty> userProperties, Long messageExpirySeconds, String contentType,
                            String responseTopic, byte[] correlationData, boolean payloadFormatUtf8,
                            long receivedAtMillis) {

    public QueuedMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
    }

    /** A plain message with no MQTT 5 extras. */
    public static QueuedMessage of(int classIndex, String topic, byte[] payload, int qos, long receivedAtMillis) {
        return new QueuedMessage(classIndex, topic, payload, qos, false, List.of(), null, null, null, null, false,
                receivedAtMillis);
    }

    /** When it expires (MQTT 5 message expiry), or {@link Long#MAX_VALUE}. */
    public long expiresAtMillis() {
        return messageExpirySeconds == null ? Long.MAX_VALUE : receivedAtMillis + messageExpirySeconds * 1000;
    }
}
