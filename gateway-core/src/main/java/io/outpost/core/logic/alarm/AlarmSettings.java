package io.outpost.core.logic.alarm;

import io.outpost.core.config.TopicTemplate;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The gateway-wide {@code alarms:} section.
 *
 * @param topic     template of a point's retained alarm state; events go to {@code <topic>/event}, commands come on
 *                  {@code <topic>/set}, their results go to {@code <topic>/set/result}
 * @param maxShelve the longest an operator may shelve an alarm for
 */
public record AlarmSettings(TopicTemplate topic, Duration maxShelve) {

    public static final Set<String> PLACEHOLDERS = Set.of("site", "gateway", "device", "point");
    public static final String DEFAULT_TOPIC = "{site}/{gateway}/alarms/{device}/{point}";
    public static final Duration DEFAULT_MAX_SHELVE = Duration.ofHours(24);
    public static final AlarmSettings DEFAULTS = new AlarmSettings(TopicTemplate.parse(DEFAULT_TOPIC, PLACEHOLDERS),
            DEFAULT_MAX_SHELVE);

    public AlarmSettings {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(maxShelve, "maxShelve");
    }
}
