package io.outpost.core.message;

import io.outpost.core.point.Sample;

/**
 * Turns one typed reading into the payload of its MQTT message. A reading is rendered only when a destination needs
 * its bytes (a local subscriber, a per-point uplink), and once per message whatever the number of destinations.
 * Implementations are stateless and thread-safe; further formats are found with {@link java.util.ServiceLoader}.
 */
public interface PayloadFormat {

    /** The name used in {@code format:} keys and stored with queued readings. */
    String name();

    /** The MQTT 5 content type sent with it. */
    String contentType();

    byte[] encode(Sample sample);
}
