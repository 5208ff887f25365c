package io.outpost.adapter.bacnet.read;

import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import java.util.Optional;

/**
 * Converts what the device sent to the point's configured {@code type:} when one is given (BACnet carries its own
 * types, so most points need none): numbers between integer and float types, booleans to 0/1 and back, anything
 * to a string. Empty when the value does not fit (a fraction for an integer type, text for a number).
 */
public final class TypedValues {

    private TypedValues() {
    }

    public static Optional<Value> coerce(Value v, DataType type) {
        if (type == null) {
            return Optional.of(v);
        }
        switch (type) {
            case STRING:
                return Optional.of(v instanceof Value.Text ? v : Value.of(v.toString()));
            case ARRAY:
                return v instanceof Value.Array ? Optional.of(v) : Optional.empty();
            case BOOL:
                if (v instanceof Value.Bool) {
                    return Optional.of(v);
                }
                return v.isNumeric() && (v.asDouble() == 0 || v.asDouble() == 1) ? Optional.of(Value.of(v.asDouble() == 1))
                        : Optional.empty();
            case FLOAT32:
            case FLOAT64:
                return v.isNumeric() ? Optional.of(v instanceof Value.Real ? v : Value.of(v.asDouble())) : Optional.empty();
            default:
                if (v instanceof Value.Int || v instanceof Value.UInt64) {
                    return Optional.of(v);
                }
                double d = v.asDouble();
                if (!v.isNumeric() || d != Math.rint(d) || Math.abs(d) > 9.0e15) {
                    return Optional.empty();
                }
                return Optional.of(Value.of((long) d));
        }
    }
}
