package io.outpost.core.report;

import io.outpost.core.config.PointConfig;
import io.outpost.core.config.Range;
import io.outpost.core.config.Scaling;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a device reading into an engineering value: scale and offset, single precision kept for float32 points, and
 * a good value outside the configured range marked {@code uncertain(out-of-range)}. Made once per point; applying it
 * allocates only the new value (nothing when the value passes unchanged) and never goes through text or BigDecimal.
 *
 * <p><b>Decimal scaling.</b> A scale of {@code 0.1} is not a double (it is 0.1000000000000000055...), so
 * {@code 213 * 0.1} gives {@code 21.300000000000001}. The scale and offset as written in the configuration are
 * decimals {@code m * 10^-k}; the value is computed as {@code (raw * m + o) / 10^k}: for an integer reading the
 * numerator is an exact integer and one correctly rounded division gives the double nearest the true result, so it
 * prints as {@code 21.3}. Scales that are no short decimal fall back to {@code raw * scale + offset}.
 */
public final class EngineeringTransform {

    /** Largest integer every double holds exactly. */
    private static final double EXACT = 9_007_199_254_740_992.0;
    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    private final DataType type;
    private final Scaling scaling;
    private final Range range;
    /** The scale and offset as integers over {@link #divisor}; NaN when they are no short decimal. */
    private final double multiplier;
    private final double addend;
    private final double divisor;

    /** Transforms that only keep float32 single: shared, since most points have neither scaling nor range. */
    private static final Map<DataType, EngineeringTransform> PLAIN = new ConcurrentHashMap<>();
    private static final EngineeringTransform UNTYPED = new EngineeringTransform(null, Scaling.IDENTITY, null);

    /** The transform of a point (shared between points that need the same). */
    public static EngineeringTransform of(PointConfig point) {
        if (!point.scaling().isIdentity() || point.range() != null) {
            return new EngineeringTransform(point);
        }
        return point.type() == null ? UNTYPED
                : PLAIN.computeIfAbsent(point.type(), t -> new EngineeringTransform(t, Scaling.IDENTITY, null));
    }

    public EngineeringTransform(PointConfig point) {
        this(point.type(), point.scaling(), point.range());
    }

    private EngineeringTransform(DataType type, Scaling scaling, Range range) {
        this.type = type;
        this.scaling = scaling;
        this.range = range;
        double m = Double.NaN;
        double o = Double.NaN;
        double d = Double.NaN;
        if (!scaling.isIdentity() && Double.isFinite(scaling.offset())) {
            // Once per point at start: the decimals the configuration wrote (BigDecimal.valueOf reads a double's
            // shortest decimal form), brought to one exponent.
            BigDecimal scale = BigDecimal.valueOf(scaling.scale()).stripTrailingZeros();
            BigDecimal offset = BigDecimal.valueOf(scaling.offset()).stripTrailingZeros();
            int k = Math.max(0, Math.max(scale.scale(), offset.scale()));
            if (k < POWERS_OF_TEN.length) {
                BigDecimal mm = scale.movePointRight(k);
                BigDecimal oo = offset.movePointRight(k);
                if (mm.abs().doubleValue() < EXACT && oo.abs().doubleValue() < EXACT
                        && mm.stripTrailingZeros().scale() <= 0 && oo.stripTrailingZeros().scale() <= 0) {
                    m = mm.doubleValue();
                    o = oo.doubleValue();
                    d = POWERS_OF_TEN[k];
                }
            }
        }
        this.multiplier = m;
        this.addend = o;
        this.divisor = d;
    }

    /** The engineering sample; {@code raw} itself when nothing changes. */
    public Sample apply(Sample raw) {
        if (!raw.hasValue()) {
            return raw;
        }
        Value value = raw.value();
        if (!scaling.isIdentity() && value.isNumeric() && !(value instanceof Value.Bool)) {
            value = scaled(value);
        } else if (type == DataType.FLOAT32 && value instanceof Value.Real r && !r.single()) {
            value = Value.ofFloat32((float) r.value());
        }
        Quality quality = raw.quality();
        if (range != null && quality.isGood() && value.isNumeric() && !range.contains(value.asDouble())) {
            quality = Quality.uncertain(Quality.OUT_OF_RANGE);
        }
        return value == raw.value() && quality == raw.quality() ? raw : raw.withValue(value, quality);
    }

    private Value scaled(Value raw) {
        double x = raw.asDouble();
        double v;
        if (Double.isNaN(multiplier) || Math.abs(x * multiplier) >= EXACT) {
            v = scaling.toEngineering(x);
        } else {
            v = scaling.toPublishedUnit((x * multiplier + addend) / divisor);
        }
        boolean single = type == DataType.FLOAT32 || raw instanceof Value.Real r && r.single();
        return single ? Value.ofFloat32((float) v) : Value.of(v);
    }
}
