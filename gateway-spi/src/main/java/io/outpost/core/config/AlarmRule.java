package io.outpost.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One alarm of a point, as configured under the point's {@code alarms:}: which condition, when it counts as active
 * and how it is announced. Immutable, validated at load.
 *
 * @param kind     the condition
 * @param limit    hi-hi/hi/lo-lo/lo: the limit in engineering units; rate-of-change: the largest allowed change per
 *                 {@code per}; unused otherwise
 * @param deadband hysteresis in engineering units: a limit alarm clears only once the value is back inside the limit
 *                 by more than this (a hi alarm at 90 with deadband 2 clears below 88), so a value hovering at the
 *                 limit does not chatter
 * @param per      rate-of-change only: the time base of {@code limit} (5 per 1m)
 * @param states   state only: the values that are the alarm state, as the point's value prints ({@code true},
 *                 {@code 3}, {@code FAULT})
 * @param onDelay  the condition must hold this long without a break before the alarm becomes active
 * @param offDelay the condition must be gone this long without a break before the alarm clears
 * @param priority how urgent: the order of the alarm list and what the operator must do
 * @param message  the text an operator sees
 */
public record AlarmRule(AlarmKind kind, double limit, double deadband, Duration per, List<String> states,
                        Duration onDelay, Duration offDelay, AlarmPriority priority, String message) {

    public AlarmRule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(priority, "priority");
        states = states == null ? List.of() : List.copyOf(states);
        onDelay = onDelay == null ? Duration.ZERO : onDelay;
        offDelay = offDelay == null ? Duration.ZERO : offDelay;
        message = message == null ? "" : message;
        if (!(deadband >= 0)) {
            throw new IllegalArgumentException("deadband must not be negative, found " + deadband);
        }
        if (kind == AlarmKind.RATE_OF_CHANGE && (per == null || per.isZero() || per.isNegative())) {
            throw new IllegalArgumentException("a rate-of-change alarm needs a positive 'per', found " + per);
        }
    }

    /** The alarm's name within its point: the config key ({@code hi}, {@code rate-of-change}, ...). */
    public String name() {
        return kind.configName();
    }
}
