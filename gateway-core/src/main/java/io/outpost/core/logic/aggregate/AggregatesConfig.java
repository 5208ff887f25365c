package io.outpost.core.logic.aggregate;

import java.util.List;

/** The {@code aggregates:} section: tumbling windows over points, published to their own topics. */
public record AggregatesConfig(List<AggregateRule> rules) {

    /** Held in {@code GatewayConfig.sections()} under this key. */
    public static final String KEY = "aggregates";
    public static final AggregatesConfig NONE = new AggregatesConfig(List.of());

    public AggregatesConfig {
        rules = List.copyOf(rules);
    }
}
