package io.outpost.core.report;

import io.outpost.core.config.PointConfig;
import io.outpost.core.config.Range;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Turns a device reading into an engineering value: scale and offset, float32 noise removed, and a good value
 * outside the configured range marked {@code uncertain(out-of-range)}.
 */
public final class EngineeringTransform {

    /** Scaled values keep 15 significant digits: 213 * 0.1 is published as 21.3, not 21.300000000000001. */
    private static final MathContext SCALED = new MathContext(15);

    private EngineeringTransform() {
    }

    public static Sample apply(PointConfig point, Sample raw) {
        if (!raw.hasValue()) {
            return raw;
        }
        Value value = raw.value();
        if (value instanceof Value.Real r && point.type() == DataType.FLOAT32) {
            // A float32 widened to double prints as 21.299999237060547; its own shortest form is what the device meant.
            value = Value.of(Double.parseDouble(Float.toString((float) r.value())));
        }
        if (!point.scaling().isIdentity() && value.isNumeric() && !(value instanceof Value.Bool)) {
            double scaled = point.scaling().toEngineering(value.asDouble());
            value = Value.of(Double.isFinite(scaled) ? new BigDecimal(scaled).round(SCALED).doubleValue() : scaled);
        }
        Quality quality = raw.quality();
        Range range = point.range();
        if (range != null && quality.isGood() && value.isNumeric() && !range.contains(value.asDouble())) {
            quality = Quality.uncertain(Quality.OUT_OF_RANGE);
        }
        return value == raw.value() && quality == raw.quality() ? raw : raw.withValue(value, quality);
    }
}
