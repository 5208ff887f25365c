package io.outpost.core.command;

import io.outpost.core.config.PointConfig;
import io.outpost.core.config.Range;
import io.outpost.core.point.BooleanWords;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Converts a commanded engineering value into the raw value the device gets: type check, range check against the
 * point's {@code range}, inverse scaling, rounding to the nearest integer for integer types (half to even) and a
 * check against the type's limits.
 */
public final class WriteConversion {

    private static final BigInteger UINT64_MAX = new BigInteger("18446744073709551615");

    private WriteConversion() {
    }

    public static Value toRaw(PointConfig point, Object requested) throws CommandRejectedException {
        DataType type = point.type();
        if (type == null) {
            return untyped(point, requested);
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
                        items.add(untyped(point, o));
                    }
                    return new Value.Array(items);
                }
                throw conversion("an array", requested);
            case FLOAT32:
            case FLOAT64:
                double raw = unscale(point, toDouble(requested));
                if (type == DataType.FLOAT32 && Math.abs(raw) > Float.MAX_VALUE) {
                    throw new CommandRejectedException(Quality.OUT_OF_RANGE, raw + " does not fit a float32");
                }
                return Value.of(raw);
            default:
                return integer(point, type, requested);
        }
    }

    private static Value integer(PointConfig point, DataType type, Object requested) throws CommandRejectedException {
        BigDecimal engineering = requested instanceof BigInteger b ? new BigDecimal(b) : BigDecimal.valueOf(toDouble(requested));
        checkRange(point, engineering.doubleValue());
        BigDecimal raw = point.scaling().isIdentity() ? engineering
                : BigDecimal.valueOf(point.scaling().toRaw(engineering.doubleValue()));
        BigInteger whole = raw.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        BigInteger min = BigInteger.valueOf(type.min());
        BigInteger max = type == DataType.UINT64 ? UINT64_MAX : BigInteger.valueOf(type.max());
        if (whole.compareTo(min) < 0 || whole.compareTo(max) > 0) {
            throw new CommandRejectedException(Quality.OUT_OF_RANGE, "raw value " + whole + " does not fit " + type
                    + " (" + min + " to " + max + ")");
        }
        return type == DataType.UINT64 ? new Value.UInt64(whole.longValue()) : Value.of(whole.longValueExact());
    }

    /** No configured type: the adapter converts to the device's own type (OPC UA, BACnet), arrays included. */
    private static Value untyped(PointConfig point, Object requested) throws CommandRejectedException {
        if (requested instanceof List<?> list) {
            List<Value> items = new ArrayList<>();
            for (Object o : list) {
                if (o instanceof List<?>) {
                    throw conversion("an array of single values", requested);
                }
                items.add(untyped(point, o));
            }
            return new Value.Array(items);
        }
        if (requested instanceof Boolean b) {
            return Value.of(b);
        }
        if (requested instanceof String s) {
            return Value.of(s);
        }
        if (requested instanceof Long l && point.scaling().isIdentity()) {
            checkRange(point, l);
            return Value.of(l);
        }
        if (requested instanceof Number) {
            return Value.of(unscale(point, toDouble(requested)));
        }
        throw conversion("a number, boolean, string or array", requested);
    }

    private static double unscale(PointConfig point, double engineering) throws CommandRejectedException {
        checkRange(point, engineering);
        return point.scaling().toRaw(engineering);
    }

    private static void checkRange(PointConfig point, double engineering) throws CommandRejectedException {
        Range range = point.range();
        if (range != null && !range.contains(engineering)) {
            throw new CommandRejectedException(Quality.OUT_OF_RANGE, engineering + " is outside the point's range ["
                    + range.min() + ", " + range.max() + "]");
        }
    }

    private static boolean toBoolean(Object v) throws CommandRejectedException {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l && (l == 0 || l == 1)) {
            return l == 1;
        }
        if (v instanceof String s) {
            Optional<Boolean> word = BooleanWords.parse(s);
            if (word.isPresent()) {
                return word.get();
            }
        }
        throw conversion("true or false (or 1/0, on/off)", v);
    }

    private static double toDouble(Object v) throws CommandRejectedException {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw conversion("a number", v);
            }
        }
        throw conversion("a number", v);
    }

    private static CommandRejectedException conversion(String expected, Object found) {
        return new CommandRejectedException(Quality.CONVERSION_ERROR, "expected " + expected + ", found "
                + (found instanceof String ? "\"" + found + "\"" : String.valueOf(found)));
    }
}
