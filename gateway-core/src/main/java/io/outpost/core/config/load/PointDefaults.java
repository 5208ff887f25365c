package io.outpost.core.config.load;

import io.outpost.core.config.TopicTemplate;
import java.time.Duration;

/** What a device passes down to its points: the publish defaults with the device's overrides applied. */
record PointDefaults(TopicTemplate topic, int qos, boolean retain, String format, Duration heartbeat,
                     Duration pollInterval) {
}
