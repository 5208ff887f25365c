package io.outpost.core.command;

import io.outpost.core.config.PointConfig;
import io.outpost.core.config.Range;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;
import io.outpost.core.spi.CommandedValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Converts a commanded engineering value into the raw value the device gets: type check, text to number, range
 * check against the point's {@code range}, inverse scaling, rounding to the nearest integer for integer types (half
 * to even) and a check against the type's limits. This is the only place a command's number is checked: adapters
 * get typed, range-checked values.
 *
 * <p>The rules, the same for every protocol:
 * <ul>
 *   <li>A point is <em>numeric</em> when its {@code type:} is numeric, or, without a type, when it has a
 *       {@code range} or a {@code scale}/{@code offset}. A numeric point takes numbers and text that is a number
 *       ({@code "95"}, {@code +96}); the text is converted here, then range-checked like any number.</li>
 *   <li>Infinity and NaN are refused everywhere, whatever their form.</li>
 *   <li>A boolean is not a number: a numeric point refuses {@code true}. A {@code bool} point takes true/false,
 *       1/0 and the words of {@link CommandedValues#word}.</li>
 *   <li>A point without type, range or scaling passes the value in its JSON form (number, text, boolean, array)
 *       for the adapter to fit to the device's own type, which refuses text and booleans for numeric nodes.</li>
 * </ul>
 */
public final class WriteConversion {

    private static final BigInteger UINT64_MAX = new BigInteger("18446744073709551615");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private WriteConversion() {
    }

    public static Value toRaw(PointConfig point, Object requested) throws CommandRejectedException {
        DataType type = point.type();
        if (type == null) {
            return untyped(point, requested, true);
        }
        switch (type) {
            case BOOL:
                return Value.of(toBoolean(requested));
            case STRING:
                if (requested instanceof String s) {
                    return Value.of(s);
                }
                throw conversion("a string", requested);
            case ARRAY:
                if (requested instanceof List<?> list) {
                    List<Value> items = new ArrayList<>();
                    for (Object o : list) {
                        items.add(untyped(point, o, false));
                    }
                    return new Value.Array(items);
                }
                throw conversion("an array", requested);
            case FLOAT32:
            case FLOAT64:
                double raw = unscale(point, engineering(requested).doubleValue());
                if (type == DataType.FLOAT32 && Math.abs(raw) > Float.MAX_VALUE) {
                    throw new CommandRejectedException(Quality.OUT_OF_RANGE, raw + " does not fit a float32");
                }
                return Value.of(raw);
            default:
                return integer(point, type, engineering(requested));
        }
    }

    /** True when the configuration says the point holds a number, whatever the device's own type is. */
    static boolean numeric(PointConfig point) {
        DataType type = point.type();
        if (type != null && type != DataType.ARRAY) {
            return type.isNumeric();
        }
        return point.range() != null || !point.scaling().isIdentity();
    }

    private static Value integer(PointConfig point, DataType type, BigDecimal engineering)
            throws CommandRejectedException {
        checkRange(point, engineering.doubleValue());
        BigDecimal raw = point.scaling().isIdentity() ? engineering
                : BigDecimal.valueOf(finite(point.scaling().toRaw(engineering.doubleValue())));
        BigInteger whole = whole(raw);
        BigInteger min = BigInteger.valueOf(type.min());
        BigInteger max = type == DataType.UINT64 ? UINT64_MAX : BigInteger.valueOf(type.max());
        if (whole.compareTo(min) < 0 || whole.compareTo(max) > 0) {
            throw new CommandRejectedException(Quality.OUT_OF_RANGE, "raw value " + whole + " does not fit " + type
                    + " (" + min + " to " + max + ")");
        }
        return type == DataType.UINT64 ? new Value.UInt64(whole.longValue()) : Value.of(whole.longValueExact());
    }

    /**
     * No configured type: the adapter converts to the device's own type (OPC UA, BACnet), arrays included. A point
     * made numeric by its range or scaling gets its number converted and checked here.
     */
    private static Value untyped(PointConfig point, Object requested, boolean arrayAllowed)
            throws CommandRejectedException {
        if (requested instanceof List<?> list) {
            if (!arrayAllowed) {
                throw conversion("an array of single values", requested);
            }
            List<Value> items = new ArrayList<>();
            for (Object o : list) {
                if (o instanceof List<?>) {
                    throw conversion("an array of single values", requested);
                }
                items.add(untyped(point, o, false));
            }
            return new Value.Array(items);
        }
        boolean numeric = numeric(point);
        if (requested instanceof Boolean b) {
            if (numeric) {
                throw conversion("a number (the point has a range or scaling)", requested);
            }
            return Value.of(b);
        }
        if (requested instanceof String s && !numeric) {
            return Value.of(s);
        }
        BigDecimal engineering = engineering(requested);
        checkRange(point, engineering.doubleValue());
        if (!point.scaling().isIdentity()) {
            return Value.of(finite(point.scaling().toRaw(engineering.doubleValue())));
        }
        // A JSON fraction stays a double (2.0 included); whole numbers and number text take their exact form.
        return requested instanceof Double d ? Value.of(d) : exact(engineering);
    }

    /** An unscaled number in the narrowest exact form: a whole number as an integer, else a double. */
    private static Value exact(BigDecimal n) throws CommandRejectedException {
        if (n.signum() == 0 || n.stripTrailingZeros().scale() <= 0) {
            BigInteger whole = n.toBigIntegerExact();
            if (whole.compareTo(LONG_MIN) >= 0 && whole.compareTo(LONG_MAX) <= 0) {
                return Value.of(whole.longValue());
            }
            if (whole.signum() > 0 && whole.compareTo(UINT64_MAX) <= 0) {
                return new Value.UInt64(whole.longValue());
            }
        }
        return Value.of(finite(n.doubleValue()));
    }

    private static double unscale(PointConfig point, double engineering) throws CommandRejectedException {
        checkRange(point, engineering);
        return finite(point.scaling().toRaw(engineering));
    }

    private static void checkRange(PointConfig point, double engineering) throws CommandRejectedException {
        Range range = point.range();
        if (range != null && !range.contains(engineering)) {
            throw new CommandRejectedException(Quality.OUT_OF_RANGE, engineering + " is outside the point's range ["
                    + range.min() + ", " + range.max() + "]");
        }
    }

    private static boolean toBoolean(Object v) throws CommandRejectedException {
        Optional<Boolean> b = Optional.empty();
        if (v instanceof Boolean x) {
            b = Optional.of(x);
        } else if (v instanceof String s) {
            b = CommandedValues.word(s);
        } else if (v instanceof Long || v instanceof BigInteger || v instanceof Double) {
            b = CommandedValues.asBoolean(Value.of(((Number) v).doubleValue()));
        }
        if (b.isEmpty()) {
            throw conversion(CommandedValues.BOOLEAN_EXPECTED, v);
        }
        return b.get();
    }

    /**
     * The exact engineering value of a number or of text that is a number. JSON numbers arrive bounded (the parser
     * caps their length); text is bounded by {@link NumberText}.
     */
    private static BigDecimal engineering(Object v) throws CommandRejectedException {
        if (v instanceof Long l) {
            return BigDecimal.valueOf(l);
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof Double d) {
            return BigDecimal.valueOf(finite(d));
        }
        if (v instanceof String s) {
            return NumberText.parse(s);
        }
        throw conversion("a number", v);
    }

    /** Rounds half to even; the value is bounded (at most ~10^400), so this is cheap. */
    private static BigInteger whole(BigDecimal raw) {
        return raw.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
    }

    private static double finite(double d) throws CommandRejectedException {
        if (!Double.isFinite(d)) {
            throw new CommandRejectedException(Quality.OUT_OF_RANGE, d + " is not a finite number");
        }
        return d;
    }

    private static CommandRejectedException conversion(String expected, Object found) {
        return new CommandRejectedException(Quality.CONVERSION_ERROR, "expected " + expected + ", found "
                + (found instanceof String ? "\"" + found + "\"" : String.valueOf(found)));
    }
}
