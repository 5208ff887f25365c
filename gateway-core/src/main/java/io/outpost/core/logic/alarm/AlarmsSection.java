package io.outpost.core.logic.alarm;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigSection;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.config.TopicTemplate;
import java.time.Duration;

/** Reads the top-level {@code alarms:} section (where alarm states and events are published, how long a shelve may last). */
public final class AlarmsSection implements ConfigSection<AlarmSettings> {

    public static final String KEY = "alarms";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public AlarmSettings parse(ConfigNode node, GatewayIdentity gateway) {
        TopicTemplate topic = AlarmSettings.DEFAULTS.topic();
        if (node.has("topic")) {
            String text = node.string("topic", AlarmSettings.DEFAULT_TOPIC);
            try {
                topic = TopicTemplate.parse(text, AlarmSettings.PLACEHOLDERS);
                if (!topic.placeholders().contains("device") || !topic.placeholders().contains("point")) {
                    node.error("topic", "must contain {device} and {point}: each point has its own alarm topic");
                    topic = AlarmSettings.DEFAULTS.topic();
                }
            } catch (IllegalArgumentException e) {
                node.error("topic", e.getMessage());
            }
        }
        Duration maxShelve = node.duration("max-shelve", AlarmSettings.DEFAULT_MAX_SHELVE, Duration.ofMinutes(1),
                Duration.ofDays(30));
        return new AlarmSettings(topic, maxShelve);
    }
}
