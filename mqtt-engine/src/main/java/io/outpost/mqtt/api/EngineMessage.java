package io.outpost.mqtt.api;

import io.outpost.core.message.PointReading;
import io.outpost.core.message.UserProperty;
import java.util.List;
import java.util.Objects;

/**
 * An application message as the engine routes it between the core, local clients, the bridge and the broker's
 * subscribers. Immutable; the payload array is never written after construction, so it is shared, not copied.
 *
 * @param messageExpirySeconds MQTT 5 message expiry interval, or null for none (as received; the router lowers it)
 * @param payloadFormatUtf8    MQTT 5 payload format indicator 1
 * @param origin               who published it: a client id, or {@link #ORIGIN_GATEWAY} for the core
 * @param receivedAtMillis     when the engine accepted it (for expiry and queue age)
 * @param pointUpdates         point updates the message carries (0 when not from the core)
 * @param reading              the core's typed reading of a point message (in-process only), or null
 */
public record EngineMessage(
        String topic,
        byte[] payload,
        int qos,
        boolean retain,
        List<UserProperty> userProperties,
        Long messageExpirySeconds,
        String contentType,
        String responseTopic,
        byte[] correlationData,
        boolean payloadFormatUtf8,
        String origin,
        long receivedAtMillis,
        int pointUpdates,
        PointReading reading) {

    /** The origin of messages the gateway's own core publishes. */
    public static final String ORIGIN_GATEWAY = "$gateway";

    public EngineMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(origin, "origin");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    /** A message without a typed reading (from clients, wills, the bridge). */
    public EngineMessage(String topic, byte[] payload, int qos, boolean retain, List<UserProperty> userProperties,
                         Long messageExpirySeconds, String contentType, String responseTopic, byte[] correlationData,
                         boolean payloadFormatUtf8, String origin, long receivedAtMillis, int pointUpdates) {
        this(topic, payload, qos, retain, userProperties, messageExpirySeconds, contentType, responseTopic,
                correlationData, payloadFormatUtf8, origin, receivedAtMillis, pointUpdates, null);
    }

    /** True when the MQTT 5 message expiry interval has passed at {@code nowMillis}. */
    public boolean isExpired(long nowMillis) {
        return messageExpirySeconds != null && nowMillis - receivedAtMillis >= messageExpirySeconds * 1000L;
    }

    /**
     * The expiry interval left at {@code nowMillis}, in whole seconds rounded up (what a forwarded PUBLISH
     * carries, MQTT-3.3.2-6), or null when the message does not expire.
     */
    public Long remainingExpirySeconds(long nowMillis) {
        if (messageExpirySeconds == null) {
            return null;
        }
        long leftMillis = messageExpirySeconds * 1000L - (nowMillis - receivedAtMillis);
        return Math.max(0, (leftMillis + 999) / 1000);
    }

    /** The same message with another QoS and RETAIN flag (the payload is shared, not copied). */
    public EngineMessage withQosAndRetain(int newQos, boolean newRetain) {
        if (newQos == qos && newRetain == retain) {
            return this;
        }
        return new EngineMessage(topic, payload, newQos, newRetain, userProperties, messageExpirySeconds, contentType,
                responseTopic, correlationData, payloadFormatUtf8, origin, receivedAtMillis, pointUpdates, reading);
    }
}
