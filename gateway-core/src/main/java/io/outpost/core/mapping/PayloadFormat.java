package io.outpost.core.mapping;

import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;

/**
 * Turns one point reading into a message payload. Implementations are stateless and thread-safe; further formats
 * are found with {@link java.util.ServiceLoader}.
 */
public interface PayloadFormat {

    /** The name used in {@code format:} keys. */
    String name();

    /** The MQTT 5 content type sent with it. */
    String contentType();

    byte[] encode(PointConfig point, Sample sample);
}
