package io.outpost.mqtt.bridge.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An upstream's byte budget: what its connections may move (both directions, at the socket) per day or month, and
 * what it does when the budget runs low. Immutable.
 *
 * @param per          the budget period, in UTC
 * @param bytes        bytes per period
 * @param startDay     with {@code per: month}, the day of the month the billing period starts (1..28)
 * @param lowAtPercent from this share of the budget used, telemetry is thinned
 * @param minInterval  while thinned, at most one reading per local topic per this interval goes out
 * @param keep         store classes sent in full whatever the budget (alarms); the rest is thinned, then held
 */
public record BudgetConfig(Period per, long bytes, int startDay, int lowAtPercent, Duration minInterval,
                           List<String> keep) {

    /** The budget period. */
    public enum Period { DAY, MONTH }

    public BudgetConfig {
        Objects.requireNonNull(per, "per");
        Objects.requireNonNull(minInterval, "minInterval");
        keep = List.copyOf(keep);
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive, found " + bytes);
        }
        if (startDay < 1 || startDay > 28) {
            throw new IllegalArgumentException("startDay must be between 1 and 28, found " + startDay);
        }
        if (lowAtPercent < 1 || lowAtPercent > 100) {
            throw new IllegalArgumentException("lowAtPercent must be between 1 and 100, found " + lowAtPercent);
        }
    }
}
