package io.outpost.core.config.load;

import io.outpost.core.config.AlarmKind;
import io.outpost.core.config.AlarmPriority;
import io.outpost.core.config.AlarmRule;
import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.PointAlarms;
import io.outpost.core.point.DataType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a point's {@code alarms:}: one mapping per condition ({@code hi-hi}, {@code hi}, {@code lo}, {@code lo-lo},
 * {@code rate-of-change}, {@code state}, {@code bad-quality}), each with its limit or states, deadband, delays,
 * priority and message. Checks what an engineer gets wrong: limits in the wrong order, a limit alarm on a text
 * point, a state alarm without states.
 */
final class AlarmReader {

    static final Duration MAX_DELAY = Duration.ofDays(1);

    private AlarmReader() {
    }

    static PointAlarms read(ConfigNode point, DataType type) {
        if (!point.has("alarms")) {
            return PointAlarms.NONE;
        }
        ConfigNode node = point.mapping("alarms");
        Map<AlarmKind, AlarmRule> rules = new EnumMap<>(AlarmKind.class);
        for (AlarmKind kind : AlarmKind.values()) {
            if (node.has(kind.configName())) {
                read(node.mapping(kind.configName()), kind, type).ifPresent(r -> rules.put(kind, r));
            }
        }
        node.rejectUnknownKeys();
        checkOrder(node, rules);
        List<AlarmRule> inFileOrder = new ArrayList<>();
        for (String key : node.keys()) {
            for (AlarmRule r : rules.values()) {
                if (r.name().equals(key)) {
                    inFileOrder.add(r);
                }
            }
        }
        return inFileOrder.isEmpty() ? PointAlarms.NONE : new PointAlarms(inFileOrder);
    }

    private static Optional<AlarmRule> read(ConfigNode node, AlarmKind kind, DataType type) {
        boolean ok = true;
        double limit = 0;
        double deadband = 0;
        Duration per = null;
        List<String> states = List.of();
        if (kind.isLimit() || kind == AlarmKind.RATE_OF_CHANGE) {
            if (type != null && !type.isNumeric()) {
                node.error("a " + kind.configName() + " alarm needs a numeric point, found type " + type.configName());
                ok = false;
            }
            Optional<Double> l = node.number("limit");
            if (l.isEmpty() && !node.has("limit")) {
                node.missing("limit", kind == AlarmKind.RATE_OF_CHANGE
                        ? "the largest change allowed per 'per', in engineering units"
                        : "the alarm limit in engineering units");
            }
            ok &= l.isPresent();
            limit = l.orElse(0.0);
            deadband = node.number("deadband").orElse(0.0);
            if (deadband < 0) {
                node.error("deadband", "must not be negative, found " + deadband);
                deadband = 0;
            }
            if (kind == AlarmKind.RATE_OF_CHANGE) {
                per = node.duration("per", Duration.ofMinutes(1), Duration.ofSeconds(1), MAX_DELAY);
                if (limit <= 0 && l.isPresent()) {
                    node.error("limit", "a rate-of-change limit must be above 0, found " + limit);
                    ok = false;
                }
            }
        } else if (kind == AlarmKind.STATE) {
            states = node.stringList("values");
            if (states.isEmpty()) {
                node.missing("values", "the values that are the alarm state, e.g. [true] or [3, 4]");
                ok = false;
            }
        }
        Duration onDelay = node.duration("on-delay", Duration.ZERO, Duration.ZERO, MAX_DELAY);
        Duration offDelay = node.duration("off-delay", Duration.ZERO, Duration.ZERO, MAX_DELAY);
        AlarmPriority priority = node.enumValue("priority", AlarmPriority.class).orElse(defaultPriority(kind));
        String message = node.string("message", "");
        node.rejectUnknownKeys();
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(new AlarmRule(kind, limit, deadband, per, states, onDelay, offDelay, priority, message));
    }

    static AlarmPriority defaultPriority(AlarmKind kind) {
        return switch (kind) {
            case HI_HI, LO_LO -> AlarmPriority.HIGH;
            case BAD_QUALITY -> AlarmPriority.LOW;
            default -> AlarmPriority.MEDIUM;
        };
    }

    /** hi-hi above hi above lo above lo-lo, for those that are there. */
    private static void checkOrder(ConfigNode node, Map<AlarmKind, AlarmRule> rules) {
        AlarmKind[] descending = {AlarmKind.HI_HI, AlarmKind.HI, AlarmKind.LO, AlarmKind.LO_LO};
        AlarmRule above = null;
        for (AlarmKind k : descending) {
            AlarmRule r = rules.get(k);
            if (r == null) {
                continue;
            }
            if (above != null && !(r.limit() < above.limit())) {
                node.error(k.configName(), "the " + k.configName() + " limit (" + r.limit() + ") must be below the "
                        + above.name() + " limit (" + above.limit() + ")");
            }
            above = r;
        }
    }
}
