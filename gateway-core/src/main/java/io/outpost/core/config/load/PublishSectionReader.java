package io.outpost.core.config.load;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.PublishDefaults;
import io.outpost.core.config.TopicTemplate;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code publish:} section: defaults for every point. */
final class PublishSectionReader {

    static final Set<String> POINT_PLACEHOLDERS = Set.of("site", "gateway", "device", "protocol", "point");
    static final Set<String> COMMAND_PLACEHOLDERS = Set.of("site", "gateway", "device", "protocol", "point", "topic");
    static final Set<String> STATUS_PLACEHOLDERS = Set.of("site", "gateway", "device", "protocol");
    static final Set<String> GATEWAY_PLACEHOLDERS = Set.of("site", "gateway");

    static final String DEFAULT_TOPIC = "{site}/{device}/{point}";
    static final String DEFAULT_COMMAND_TOPIC = "{topic}/set";
    static final String DEFAULT_COMMAND_RESULT_TOPIC = "{topic}/set/result";
    static final String DEFAULT_STATUS_TOPIC = "{site}/{device}/_status";
    /** Device ids start with a letter or digit, so this never meets a device's topics. */
    static final String DEFAULT_GATEWAY_STATUS_TOPIC = "{site}/_status";

    private final Set<String> formatNames;

    PublishSectionReader(Set<String> formatNames) {
        this.formatNames = formatNames;
    }

    PublishDefaults read(ConfigNode node) {
        TopicTemplate topic = template(node, "topic", DEFAULT_TOPIC, POINT_PLACEHOLDERS);
        int qos = node.integer("qos", 1, 0, 2);
        boolean retain = node.bool("retain", true);
        String format = format(node, formatNames).orElse("json");
        Duration heartbeat = heartbeat(node).orElse(null);
        TopicTemplate command = template(node, "command-topic", DEFAULT_COMMAND_TOPIC, COMMAND_PLACEHOLDERS);
        TopicTemplate result = template(node, "command-result-topic", DEFAULT_COMMAND_RESULT_TOPIC, COMMAND_PLACEHOLDERS);
        TopicTemplate status = template(node, "status-topic", DEFAULT_STATUS_TOPIC, STATUS_PLACEHOLDERS);
        TopicTemplate gatewayStatus = template(node, "gateway-status-topic", DEFAULT_GATEWAY_STATUS_TOPIC,
                GATEWAY_PLACEHOLDERS);
        return new PublishDefaults(topic, qos, retain, format, heartbeat, command, result, status, gatewayStatus);
    }

    static TopicTemplate template(ConfigNode node, String key, String defaultText, Set<String> allowed) {
        Optional<TopicTemplate> t = optionalTemplate(node, key, allowed);
        return t.orElseGet(() -> TopicTemplate.parse(defaultText, allowed));
    }

    static Optional<TopicTemplate> optionalTemplate(ConfigNode node, String key, Set<String> allowed) {
        return node.string(key).flatMap(text -> {
            try {
                return Optional.of(TopicTemplate.parse(text, allowed));
            } catch (IllegalArgumentException e) {
                node.error(key, e.getMessage());
                return Optional.empty();
            }
        });
    }

    static Optional<String> format(ConfigNode node, Set<String> formatNames) {
        return node.string("format").flatMap(name -> {
            if (formatNames.contains(name)) {
                return Optional.of(name);
            }
            node.error("format", "unknown payload format '" + name + "'; available: " + String.join(", ", formatNames));
            return Optional.empty();
        });
    }

    /** A heartbeat duration; {@code off} (an empty optional holding nothing) is reported as present-but-none by the caller. */
    static Optional<Duration> heartbeat(ConfigNode node) {
        if (node.string("heartbeat").map("off"::equalsIgnoreCase).orElse(false)) {
            return Optional.empty();
        }
        return node.duration("heartbeat", Duration.ofSeconds(1), Duration.ofDays(7));
    }
}
