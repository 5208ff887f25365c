package io.outpost.adapter.opcua.data;

import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;
import io.outpost.core.spi.CommandedValues;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * A commanded value converted to the node's own data type: numbers are range-checked against the type
 * ({@code out-of-range}), a fraction is never silently truncated into an integer type ({@code conversion-error}),
 * and arrays are converted item by item. Numeric nodes take numbers only: the core has converted text and checked
 * the range for points configured as numeric, so text or a boolean here is refused, never parsed
 * ({@link CommandedValues}, the same rule as every protocol's). Stateless.
 */
public final class WriteVariants {

    private static final BigInteger UINT64_MAX = new BigInteger("18446744073709551615");

    private WriteVariants() {
    }

    public static Variant toVariant(Value value, NodeValueType target) throws UnsupportedValueException {
        if (target.array()) {
            if (!(value instanceof Value.Array array)) {
                throw conversion("an array for " + target, value);
            }
            List<Value> items = array.items();
            Object out = Array.newInstance(target.type().getBackingClass(), items.size());
            for (int i = 0; i < items.size(); i++) {
                Array.set(out, i, scalar(items.get(i), target.type()));
            }
            return new Variant(out);
        }
        if (value instanceof Value.Array) {
            throw conversion("a single value for " + target, value);
        }
        return new Variant(scalar(value, target.type()));
    }

    private static Object scalar(Value value, OpcUaDataType type) throws UnsupportedValueException {
        switch (type) {
            case Boolean:
                return bool(value);
            case SByte:
                return (byte) integer(value, type, Byte.MIN_VALUE, Byte.MAX_VALUE).longValue();
            case Byte:
                return UByte.valueOf(integer(value, type, 0, 255).longValue());
            case Int16:
                return (short) integer(value, type, Short.MIN_VALUE, Short.MAX_VALUE).longValue();
            case UInt16:
                return UShort.valueOf(integer(value, type, 0, 0xFFFF).intValue());
            case Int32:
                return (int) integer(value, type, Integer.MIN_VALUE, Integer.MAX_VALUE).longValue();
            case UInt32:
                return UInteger.valueOf(integer(value, type, 0, 0xFFFF_FFFFL).longValue());
            case Int64:
                return integer(value, type, Long.MIN_VALUE, Long.MAX_VALUE).longValue();
            case UInt64:
                return ULong.valueOf(unsigned64(value));
            case Float: {
                double d = real(value, type);
                if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
                    throw new UnsupportedValueException(Quality.OUT_OF_RANGE, d + " does not fit a Float");
                }
                return (float) d;
            }
            case Double:
                return real(value, type);
            case String:
                return text(value);
            case LocalizedText:
                return LocalizedText.english(text(value));
            case DateTime:
                try {
                    return new DateTime(Instant.parse(text(value)));
                } catch (DateTimeParseException e) {
                    throw conversion("an ISO-8601 time such as 2026-11-21T10:15:30Z", value);
                }
            case Guid:
                try {
                    return UUID.fromString(text(value));
                } catch (IllegalArgumentException e) {
                    throw conversion("a GUID", value);
                }
            case ByteString:
                try {
                    return ByteString.of(Base64.getDecoder().decode(text(value)));
                } catch (IllegalArgumentException e) {
                    throw conversion("base64 text", value);
                }
            default:
                throw new UnsupportedValueException("unsupported-type:" + type,
                        "writing " + type + " values is not supported");
        }
    }

    private static boolean bool(Value value) throws UnsupportedValueException {
        return CommandedValues.asBoolean(value)
                .orElseThrow(() -> conversion(CommandedValues.BOOLEAN_EXPECTED, value));
    }

    private static BigInteger integer(Value value, OpcUaDataType type, long min, long max)
            throws UnsupportedValueException {
        BigInteger whole = whole(value, type);
        if (whole.compareTo(BigInteger.valueOf(min)) < 0 || whole.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new UnsupportedValueException(Quality.OUT_OF_RANGE, whole + " does not fit the node's type " + type
                    + " (" + min + " to " + max + ")");
        }
        return whole;
    }

    private static long unsigned64(Value value) throws UnsupportedValueException {
        if (value instanceof Value.UInt64 u) {
            return u.bits();
        }
        BigInteger whole = whole(value, OpcUaDataType.UInt64);
        if (whole.signum() < 0 || whole.compareTo(UINT64_MAX) > 0) {
            throw new UnsupportedValueException(Quality.OUT_OF_RANGE, whole + " does not fit the node's type UInt64");
        }
        return whole.longValue();
    }

    private static BigInteger whole(Value value, OpcUaDataType type) throws UnsupportedValueException {
        if (value instanceof Value.Int i) {
            return BigInteger.valueOf(i.value());
        }
        if (value instanceof Value.UInt64 u) {
            return new BigInteger(Long.toUnsignedString(u.bits()));
        }
        double d = real(value, type);
        if (d != Math.rint(d)) {
            throw new UnsupportedValueException(Quality.CONVERSION_ERROR, value + " is not a whole number; the node's "
                    + "type is " + type);
        }
        // A finite double's exact expansion has at most ~310 digits: cheap.
        return BigDecimal.valueOf(d).toBigIntegerExact();
    }

    private static double real(Value value, OpcUaDataType type) throws UnsupportedValueException {
        if (!CommandedValues.isNumber(value)) {
            throw new UnsupportedValueException(Quality.CONVERSION_ERROR, "expected a number for the node's type "
                    + type + ", found " + CommandedValues.describe(value) + " (send a JSON number; text is converted "
                    + "only for points with a numeric type, a range or a scale)");
        }
        return value.asDouble();
    }

    private static String text(Value value) throws UnsupportedValueException {
        if (value instanceof Value.Array) {
            throw conversion("text", value);
        }
        return value.toString();
    }

    private static UnsupportedValueException conversion(String expected, Value found) {
        return new UnsupportedValueException(Quality.CONVERSION_ERROR, "expected " + expected + ", found " + found);
    }
}
