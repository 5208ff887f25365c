package io.outpost.core.logic.aggregate;

import io.outpost.core.point.PointRef;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of {@code aggregates:}: the points it summarises, each with the topic its windows go to.
 *
 * @param every     the window length; windows start at multiples of it since midnight UTC
 * @param functions what each window reports (its quality summary always)
 * @param topics    each point's aggregate topic
 */
public record AggregateRule(Duration every, Set<AggregateFunction> functions, int qos, boolean retain,
                            Map<PointRef, String> topics) {

    public AggregateRule {
        Objects.requireNonNull(every, "every");
        functions = Set.copyOf(functions);
        topics = Map.copyOf(topics);
    }
}
