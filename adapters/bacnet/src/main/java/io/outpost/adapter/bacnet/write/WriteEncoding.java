package io.outpost.adapter.bacnet.write;

import com.serotonin.bacnet4j.obj.ObjectProperties;
import com.serotonin.bacnet4j.obj.ObjectPropertyTypeDefinition;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.enumerated.BinaryPV;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.Boolean;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.Double;
import com.serotonin.bacnet4j.type.primitive.Enumerated;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.type.primitive.SignedInteger;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.adapter.bacnet.config.BacnetPointSettings;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;
import io.outpost.core.spi.CommandedValues;
import io.outpost.core.spi.DeviceException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigInteger;

/**
 * Encodes a commanded value as the BACnet datatype the property has (from the standard's property tables): REAL
 * for analog present values, BinaryPV for binary ones (true, 1, "active", "on"), Unsigned for multi-state states
 * (1-based), and so on. Properties the tables do not know (proprietary ones) take the value's own kind: REAL for
 * numbers with a fraction, Unsigned or Signed for whole numbers, BOOLEAN, CharacterString.
 *
 * <p>Numeric properties take numbers only: the core has converted text and checked the range for points configured
 * as numeric, so text or a boolean for a REAL is refused here, never parsed; booleans follow the one rule of
 * {@link CommandedValues}.
 */
public final class WriteEncoding {

    private WriteEncoding() {
    }

    public static Encodable encode(BacnetPointSettings point, Value value) throws DeviceException {
        Class<? extends Encodable> target = targetType(point);
        try {
            if (target == null) {
                return byValue(value);
            }
            if (target == Real.class) {
                double d = number(value);
                if (Math.abs(d) > Float.MAX_VALUE) {
                    throw new DeviceException(Quality.OUT_OF_RANGE, d + " does not fit the property's REAL");
                }
                return new Real((float) d);
            }
            if (target == Double.class) {
                return new Double(number(value));
            }
            if (target == UnsignedInteger.class) {
                long n = whole(value);
                if (n < 0) {
                    throw conversion(value, "an unsigned number");
                }
                return new UnsignedInteger(BigInteger.valueOf(n));
            }
            if (target == SignedInteger.class) {
                return new SignedInteger(BigInteger.valueOf(whole(value)));
            }
            if (target == Boolean.class) {
                return Boolean.valueOf(bool(value));
            }
            if (target == BinaryPV.class) {
                return bool(value) ? BinaryPV.active : BinaryPV.inactive;
            }
            if (target == CharacterString.class) {
                return new CharacterString(value.toString());
            }
            if (Enumerated.class.isAssignableFrom(target)) {
                return enumerated(target, (int) whole(value));
            }
        } catch (IllegalArgumentException e) {
            throw conversion(value, e.getMessage());
        }
        throw new DeviceException(Quality.CONVERSION_ERROR, "writing " + point.describe() + " needs a "
                + target.getSimpleName() + ", which commands cannot give");
    }

    private static Class<? extends Encodable> targetType(BacnetPointSettings point) {
        ObjectType type = ObjectType.forId(point.object().type());
        ObjectPropertyTypeDefinition def = ObjectProperties.getObjectPropertyTypeDefinition(type,
                PropertyIdentifier.forId(point.property()));
        return def == null ? null : def.getPropertyTypeDefinition().getClazz();
    }

    private static Encodable byValue(Value value) {
        if (value instanceof Value.Bool b) {
            return Boolean.valueOf(b.value());
        }
        if (value instanceof Value.Text t) {
            return new CharacterString(t.value());
        }
        if (value instanceof Value.Int i) {
            return i.value() >= 0 ? new UnsignedInteger(BigInteger.valueOf(i.value())) : new SignedInteger(BigInteger.valueOf(i.value()));
        }
        double d = number(value);
        if (d == Math.rint(d) && Math.abs(d) < 4.0e9) {
            return d >= 0 ? new UnsignedInteger((long) d) : new SignedInteger((int) d);
        }
        return Math.abs(d) > Float.MAX_VALUE ? new Double(d) : new Real((float) d);
    }

    private static double number(Value value) {
        if (!CommandedValues.isNumber(value)) {
            throw new IllegalArgumentException("a number (text is converted only for points with a numeric type, a "
                    + "range or a scale)");
        }
        return value.asDouble();
    }

    private static long whole(Value value) {
        if (value instanceof Value.Int i) {
            return i.value();
        }
        double d = number(value);
        if (d != Math.rint(d) || Math.abs(d) > 9.0e15) {
            throw new IllegalArgumentException("a whole number");
        }
        return (long) d;
    }

    private static boolean bool(Value value) {
        return CommandedValues.asBoolean(value)
                .orElseThrow(() -> new IllegalArgumentException(CommandedValues.BOOLEAN_EXPECTED));
    }

    private static Encodable enumerated(Class<? extends Encodable> type, int id) {
        try {
            Method forId = type.getMethod("forId", int.class);
            return (Encodable) forId.invoke(null, id);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            return new Enumerated(id);
        }
    }

    private static DeviceException conversion(Value value, String expected) {
        return new DeviceException(Quality.CONVERSION_ERROR, "expected " + expected + ", found "
                + CommandedValues.describe(value));
    }
}
