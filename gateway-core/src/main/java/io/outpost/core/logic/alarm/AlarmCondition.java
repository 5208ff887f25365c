package io.outpost.core.logic.alarm;

import io.outpost.core.config.AlarmKind;
import io.outpost.core.config.AlarmRule;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;

/**
 * Judges one reading against one alarm rule, before delays: is the condition there now? A limit alarm is active at
 * or beyond its limit ({@code >= hi}, {@code <= lo}) and clears only once the value is back inside by more than the
 * deadband; a reading without a usable value (bad quality, text on a numeric rule) tells nothing, so the condition
 * stays as it was (the {@code bad-quality} alarm is there for that). Rate of change compares consecutive good
 * readings by their source times. Not thread-safe: used under its point's lock in {@link AlarmService}.
 */
final class AlarmCondition {

    private final AlarmRule rule;
    private double previousValue = Double.NaN;
    private long previousMillis;

    AlarmCondition(AlarmRule rule) {
        this.rule = rule;
    }

    /** The condition for {@code sample}, given whether the alarm is active now; null when the reading tells nothing. */
    Boolean evaluate(Sample sample, boolean active) {
        AlarmKind kind = rule.kind();
        if (kind == AlarmKind.BAD_QUALITY) {
            return sample.quality().status() == Quality.Status.BAD;
        }
        if (!sample.hasValue()) {
            return null;
        }
        Value value = sample.value();
        if (kind == AlarmKind.STATE) {
            return isAlarmState(value);
        }
        if (!value.isNumeric() || Double.isNaN(value.asDouble())) {
            return null;
        }
        double v = value.asDouble();
        if (kind == AlarmKind.RATE_OF_CHANGE) {
            return rate(v, sample.sourceMillis(), active);
        }
        double limit = rule.limit();
        double deadband = rule.deadband();
        if (kind.isHigh()) {
            return active ? v > limit - deadband : v >= limit;
        }
        return active ? v < limit + deadband : v <= limit;
    }

    private Boolean rate(double v, long millis, boolean active) {
        double before = previousValue;
        long beforeMillis = previousMillis;
        previousValue = v;
        previousMillis = millis;
        if (Double.isNaN(before) || millis <= beforeMillis) {
            return null;
        }
        double perMillis = rule.per().toMillis();
        double rate = Math.abs(v - before) / (millis - beforeMillis) * perMillis;
        return active ? rate > rule.limit() - rule.deadband() : rate > rule.limit();
    }

    private boolean isAlarmState(Value value) {
        String text = value.toString();
        for (String s : rule.states()) {
            if (s.equalsIgnoreCase(text) || sameNumber(s, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameNumber(String configured, Value value) {
        if (!value.isNumeric()) {
            return false;
        }
        try {
            return Double.parseDouble(configured) == value.asDouble();
        } catch (NumberFormatException e) {
            // Not a number: it was compared as text already.
            return false;
        }
    }
}
