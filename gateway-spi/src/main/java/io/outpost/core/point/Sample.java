package io.outpost.core.point;

import java.time.Instant;
import java.util.Objects;

/**
 * One reading of one point, typed from the adapter to every consumer: the value (absent when the quality is bad and
 * nothing was read), its quality and the source time in milliseconds since the epoch, i.e. when the device
 * produced or reported it, not when it was published. Immutable; values are never turned into text or parsed back
 * on the way: a payload is rendered from this once per destination format.
 */
public record Sample(PointRef point, Value value, Quality quality, long sourceMillis) {

    public Sample {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(quality, "quality");
        if (value == null && quality.isGood()) {
            throw new IllegalArgumentException("a good sample needs a value: " + point);
        }
    }

    public static Sample good(PointRef point, Value value, long sourceMillis) {
        return new Sample(point, Objects.requireNonNull(value, "value"), Quality.GOOD, sourceMillis);
    }

    public static Sample bad(PointRef point, String reason, long sourceMillis) {
        return new Sample(point, null, Quality.bad(reason), sourceMillis);
    }

    /** The source time as an instant (for display; the hot path keeps milliseconds). */
    public Instant sourceTime() {
        return Instant.ofEpochMilli(sourceMillis);
    }

    public Sample withValue(Value newValue, Quality newQuality) {
        return new Sample(point, newValue, newQuality, sourceMillis);
    }

    public boolean hasValue() {
        return value != null;
    }
}
