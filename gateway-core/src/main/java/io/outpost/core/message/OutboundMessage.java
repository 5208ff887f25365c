package io.outpost.core.message;

import io.outpost.core.point.PointRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message the core hands to the MQTT engine. The payload array is handed over, not copied: nobody writes to it
 * after construction.
 *
 * @param messageExpiry  MQTT 5 message expiry, or null for none
 * @param responseTopic  MQTT 5 response topic, or null
 * @param correlationData MQTT 5 correlation data, or null
 * @param contentType    MQTT 5 content type, or null
 * @param origin         the point the message is about, or null (status messages, batches)
 * @param pointUpdates   how many point updates the message carries (1 for one point, n for a batch, 0 for status)
 * @param createdAt      when the core made it, for queue age and latency
 * @param reading        the typed reading of a point message, or null (status messages, command results)
 */
public record OutboundMessage(
        String topic,
        byte[] payload,
        int qos,
        boolean retain,
        List<UserProperty> userProperties,
        Duration messageExpiry,
        String responseTopic,
        byte[] correlationData,
        String contentType,
        PointRef origin,
        int pointUpdates,
        Instant createdAt,
        PointReading reading) {

    public OutboundMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(createdAt, "createdAt");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    /** A message without a typed reading. */
    public OutboundMessage(String topic, byte[] payload, int qos, boolean retain, List<UserProperty> userProperties,
                           Duration messageExpiry, String responseTopic, byte[] correlationData, String contentType,
                           PointRef origin, int pointUpdates, Instant createdAt) {
        this(topic, payload, qos, retain, userProperties, messageExpiry, responseTopic, correlationData, contentType,
                origin, pointUpdates, createdAt, null);
    }

    /** A plain message with no MQTT 5 extras. */
    public static OutboundMessage of(String topic, byte[] payload, int qos, boolean retain, PointRef origin,
                                     int pointUpdates, Instant createdAt) {
        return new OutboundMessage(topic, payload, qos, retain, List.of(), null, null, null, null, origin,
                pointUpdates, createdAt);
    }
}
