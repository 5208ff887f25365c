package io.outpost.core.config;

import java.util.List;

/** The alarms configured on one point, in the order written; empty for most points. */
public record PointAlarms(List<AlarmRule> rules) {

    public static final PointAlarms NONE = new PointAlarms(List.of());

    public PointAlarms {
        rules = List.copyOf(rules);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }
}
