package io.outpost.mqtt.bridge.store;

import io.outpost.core.message.PointReading;
import io.outpost.core.message.UserProperty;
import io.outpost.mqtt.bridge.batch.Packing;
import java.util.List;
import java.util.Objects;

/**
 * A message as an upstream's store keeps it: already mapped to its remote topic and QoS, so that what was queued is
 * exactly what is sent even if the rules change while it waits. Immutable; arrays are not copied.
 *
 * @param classIndex           the priority class (index into the store's classes)
 * @param messageExpirySeconds MQTT 5 message expiry as received, or null; lowered by the time queued when sent
 * @param receivedAtMillis     wall-clock time the gateway accepted it (queue age, expiry, max-age)
 * @param pointUpdates         point updates it carries (for the uplink's bytes per point update)
 * @param reading              the core's typed reading, or null (messages of local clients, status messages)
 * @param packing              how it is packed upstream, or null to send it as published
 * @param localTopic           the topic it was published on locally (what a batch names a non-reading by)
 */
public record QueuedMessage(int classIndex, String topic, byte[] payload, int qos, boolean retain,
                            List<UserProperty> userProperties, Long messageExpirySeconds, String contentType,
                            String responseTopic, byte[] correlationData, boolean payloadFormatUtf8,
                            long receivedAtMillis, int pointUpdates, PointReading reading, Packing packing,
                            String localTopic) {

    public QueuedMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
        localTopic = localTopic == null ? topic : localTopic;
    }

    /** A message sent as published, carrying no point update. */
    public QueuedMessage(int classIndex, String topic, byte[] payload, int qos, boolean retain,
                         List<UserProperty> userProperties, Long messageExpirySeconds, String contentType,
                         String responseTopic, byte[] correlationData, boolean payloadFormatUtf8, long receivedAtMillis) {
        this(classIndex, topic, payload, qos, retain, userProperties, messageExpirySeconds, contentType, responseTopic,
                correlationData, payloadFormatUtf8, receivedAtMillis, 0, null, null, topic);
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

    /** The same message with a compressed payload: no longer UTF-8 text, everything else kept. */
    public QueuedMessage withCompressedPayload(byte[] newPayload) {
        return new QueuedMessage(classIndex, topic, newPayload, qos, retain, userProperties, messageExpirySeconds,
                contentType, responseTopic, correlationData, false, receivedAtMillis, pointUpdates, reading, packing,
                localTopic);
    }

    /** The same message with another topic and payload (what a packed batch goes out as). */
    public QueuedMessage withWire(String newTopic, byte[] newPayload, String newContentType, int updates) {
        return new QueuedMessage(classIndex, newTopic, newPayload, qos, retain, List.of(), null, newContentType, null,
                null, false, receivedAtMillis, updates, null, null, localTopic);
    }
}
