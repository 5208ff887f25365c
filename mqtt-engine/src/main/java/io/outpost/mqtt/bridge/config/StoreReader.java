package io.outpost.mqtt.bridge.config;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.Identifiers;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads an upstream's {@code store:} mapping. */
final class StoreReader {

    private static final long MIN_BYTES = 64L * 1024;
    private static final long MAX_BYTES = 1L << 50;

    StoreConfig read(ConfigNode node) {
        long maxBytes = node.byteSize("max-bytes", MIN_BYTES, MAX_BYTES).orElse(StoreConfig.DEFAULT_MAX_BYTES);
        Duration maxAge = node.has("max-age") && !"off".equals(node.string("max-age", ""))
                ? node.duration("max-age", Duration.ofMinutes(1), Duration.ofDays(3650)).orElse(null)
                : null;
        SyncPolicy sync = node.enumValue("sync", SyncPolicy.class, SyncPolicy.GROUP_COMMIT);
        Duration interval = StoreConfig.DEFAULT_GROUP_COMMIT_INTERVAL;
        if (node.has("group-commit-interval")) {
            interval = node.duration("group-commit-interval", interval, Duration.ofMillis(1), Duration.ofSeconds(1));
            if (sync != SyncPolicy.GROUP_COMMIT) {
                node.error("group-commit-interval", "applies only with sync: group-commit");
            }
        }
        List<PriorityClass> classes = readClasses(node);
        node.rejectUnknownKeys();
        return new StoreConfig(maxBytes, maxAge, sync, interval, classes);
    }

    private static List<PriorityClass> readClasses(ConfigNode node) {
        List<PriorityClass> classes = new ArrayList<>();
        Map<String, Integer> lines = new HashMap<>();
        for (ConfigNode item : node.list("classes")) {
            String name = item.requiredString("name").orElse("");
            boolean validName = !name.isEmpty() && Identifiers.check(item, "name", name);
            Integer first = lines.putIfAbsent(name, item.mark().line());
            if (validName && first != null) {
                item.error("name", "class '" + name + "' is defined twice (first at line " + first + ")");
            }
            List<TopicFilter> topics = new ArrayList<>();
            for (String text : item.stringList("topics")) {
                String problem = TopicFilter.problem(text);
                if (problem != null) {
                    item.error("topics", problem);
                } else {
                    topics.add(TopicFilter.parse(text));
                }
            }
            if (topics.isEmpty() && !name.equals(PriorityClass.DEFAULT_NAME) && !item.has("topics")) {
                item.missing("topics", "the local topic filters of this class, e.g. [\"+/+/alarms/#\"]");
            }
            int priority = item.integer("priority", 1, 1, 1000);
            OverflowPolicy overflow = item.enumValue("overflow", OverflowPolicy.class, OverflowPolicy.DROP_OLDEST);
            item.rejectUnknownKeys();
            if (validName) {
                classes.add(new PriorityClass(name, topics, priority, overflow));
            }
        }
        if (classes.stream().noneMatch(c -> c.name().equals(PriorityClass.DEFAULT_NAME))) {
            classes.add(new PriorityClass(PriorityClass.DEFAULT_NAME, List.of(), 1, OverflowPolicy.DROP_OLDEST));
        }
        return classes;
    }
}
