package io.outpost.mqtt.bridge.config;

import java.util.Objects;

/**
 * The will the upstream connection leaves, so the cloud hears when the gateway dies, and the birth sent on each
 * connection that undoes it. Immutable.
 *
 * @param topic        the remote topic, or null for {@link #AUTO}: the gateway status topic through the forward rules
 * @param payload      the will's payload (auto: {@code {"state":"offline",...}})
 * @param birthPayload sent retained on the same topic on every connection, or null for none (auto: the gateway's
 *                     latest local status)
 */
public record WillConfig(String topic, byte[] payload, int qos, boolean retain, byte[] birthPayload) {

    /** The gateway status topic's remote name, an offline status as will, the gateway's status as birth. */
    public static final WillConfig AUTO = new WillConfig(null, new byte[0], 1, true, null);

    public WillConfig {
        Objects.requireNonNull(payload, "payload");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
    }

    public boolean isAuto() {
        return topic == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WillConfig w && Objects.equals(w.topic, topic) && java.util.Arrays.equals(w.payload, payload)
                && w.qos == qos && w.retain == retain && java.util.Arrays.equals(w.birthPayload, birthPayload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, qos, retain);
    }
}
