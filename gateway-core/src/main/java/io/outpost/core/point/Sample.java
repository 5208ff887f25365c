package io.outpost.core.point;

import java.time.Instant;
import java.util.Objects;

/**
 * One reading of one point: the value (absent when the quality is bad and nothing was read), its quality and the
 * source timestamp, i.e. when the device produced or reported it, not when it was published.
 */
public record Sample(PointRef point, Value value, Quality quality, Instant sourceTime) {

    public Sample {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(quality, "quality");
        Objects.requireNonNull(sourceTime, "sourceTime");
        if (value == null && quality.isGood()) {
            throw new IllegalArgumentException("a good sample needs a value: " + point);
        }
    }

    public static Sample good(PointRef point, Value value, Instant sourceTime) {
        return new Sample(point, Objects.requireNonNull(value, "value"), Quality.GOOD, sourceTime);
    }

    public static Sample bad(PointRef point, String reason, Instant sourceTime) {
        return new Sample(point, null, Quality.bad(reason), sourceTime);
    }

    public Sample withValue(Value newValue, Quality newQuality) {
        return new Sample(point, newValue, newQuality, sourceTime);
    }

    public boolean hasValue() {
        return value != null;
    }
}
