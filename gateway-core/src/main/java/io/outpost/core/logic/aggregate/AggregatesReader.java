package io.outpost.core.logic.aggregate;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.DidYouMean;
import io.outpost.core.config.Durations;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.TopicTemplate;
import io.outpost.core.point.PointRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code aggregates:} after the devices, since it names their points. Each entry takes {@code points:} (as
 * {@code device/point}) and/or {@code devices:} (every point of each), a window length {@code every:} that divides a
 * day (so that windows align to the minute, hour and day), the functions, and a topic template.
 */
public final class AggregatesReader {

    static final String DEFAULT_TOPIC = "{topic}/{every}";
    static final Set<String> PLACEHOLDERS = Set.of("topic", "site", "gateway", "device", "point", "every");
    private static final Duration DAY = Duration.ofDays(1);

    private AggregatesReader() {
    }

    public static AggregatesConfig read(ConfigNode section, List<DeviceConfig> devices, GatewayIdentity gateway) {
        if (section.isMissing()) {
            return AggregatesConfig.NONE;
        }
        Map<PointRef, PointConfig> points = new LinkedHashMap<>();
        Map<String, DeviceConfig> byId = new HashMap<>();
        for (DeviceConfig d : devices) {
            byId.put(d.id(), d);
            d.points().forEach(p -> points.put(p.ref(), p));
        }
        Map<String, String> topicOwners = new HashMap<>();
        points.values().forEach(p -> topicOwners.put(p.publication().topic(), "point " + p.ref()));
        List<AggregateRule> rules = new ArrayList<>();
        for (ConfigNode node : section.items()) {
            AggregateRule rule = readRule(node, points, byId, gateway, topicOwners);
            node.rejectUnknownKeys();
            if (rule != null) {
                rules.add(rule);
            }
        }
        return new AggregatesConfig(rules);
    }

    private static AggregateRule readRule(ConfigNode node, Map<PointRef, PointConfig> points,
                                          Map<String, DeviceConfig> devices, GatewayIdentity gateway,
                                          Map<String, String> topicOwners) {
        if (!node.isMapping()) {
            node.error("an aggregate is a mapping with every: and points: or devices:");
            return null;
        }
        Duration every = node.duration("every", Duration.ofSeconds(1), DAY).orElse(null);
        if (every == null && !node.has("every")) {
            node.missing("every", "the window length, e.g. every: 1m");
        }
        if (every != null && DAY.toMillis() % every.toMillis() != 0) {
            node.error("every", "must divide a day evenly so that windows align to the clock (1m, 5m, 15m, 1h, "
                    + "6h, 1d, ...), found " + Durations.format(every));
            every = null;
        }
        List<PointConfig> chosen = new ArrayList<>();
        for (String text : node.stringList("points")) {
            int slash = text.indexOf('/');
            PointRef ref = slash > 0 ? new PointRef(text.substring(0, slash), text.substring(slash + 1)) : null;
            PointConfig p = ref == null ? null : points.get(ref);
            if (p == null) {
                String hint = DidYouMean.suggest(text, points.keySet().stream().map(PointRef::toString).toList())
                        .map(h -> "; did you mean '" + h + "'?").orElse("");
                node.error("points", "no point '" + text + "' (write device/point)" + hint);
            } else {
                chosen.add(p);
            }
        }
        for (String id : node.stringList("devices")) {
            DeviceConfig d = devices.get(id);
            if (d == null) {
                String hint = DidYouMean.suggest(id, devices.keySet()).map(h -> "; did you mean '" + h + "'?").orElse("");
                node.error("devices", "no device '" + id + "'" + hint);
            } else {
                chosen.addAll(d.points());
            }
        }
        if (chosen.isEmpty() && !node.has("points") && !node.has("devices")) {
            node.missing("points", "list the points (device/point) or devices: whose points are aggregated");
        }
        Set<AggregateFunction> functions = EnumSet.allOf(AggregateFunction.class);
        if (node.has("functions")) {
            functions = EnumSet.noneOf(AggregateFunction.class);
            Map<String, AggregateFunction> names = ConfigNode.enumChoices(AggregateFunction.class);
            for (String f : node.stringList("functions")) {
                AggregateFunction fn = names.get(f);
                if (fn == null) {
                    node.error("functions", "unknown function '" + f + "'; available: "
                            + String.join(", ", names.keySet()));
                } else {
                    functions.add(fn);
                }
            }
        }
        int qos = node.integer("qos", 1, 0, 2);
        boolean retain = node.bool("retain", false);
        TopicTemplate template;
        try {
            template = TopicTemplate.parse(node.string("topic", DEFAULT_TOPIC), PLACEHOLDERS);
        } catch (IllegalArgumentException e) {
            node.error("topic", e.getMessage());
            return null;
        }
        if (every == null) {
            return null;
        }
        Map<PointRef, String> topics = new LinkedHashMap<>();
        String label = Durations.format(every);
        for (PointConfig p : chosen) {
            Map<String, String> names = Map.of("topic", p.publication().topic(), "site", gateway.site(),
                    "gateway", gateway.id(), "device", p.ref().device(), "point", p.id(), "every", label);
            String topic = template.expand(names);
            String previous = topicOwners.putIfAbsent(topic, "aggregate of " + p.ref());
            if (previous != null) {
                node.error("topic", "topic '" + topic + "' of the " + label + " aggregate of " + p.ref()
                        + " is already used by " + previous + "; put {every} or {point} in the topic");
            }
            topics.put(p.ref(), topic);
        }
        return new AggregateRule(every, functions, qos, retain, topics);
    }
}
