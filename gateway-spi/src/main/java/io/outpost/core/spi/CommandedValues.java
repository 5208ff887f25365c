package io.outpost.core.spi;

import io.outpost.core.point.Value;
import java.util.Locale;
import java.util.Optional;

/**
 * The one rule, for every protocol, for what a commanded value means when the device's own type decides (points
 * without {@code type:}). The core has already converted text to numbers and checked the range for every point
 * whose configuration says it is numeric; what remains for an adapter is to refuse what does not fit the device's
 * type, never to parse text into a number. Stateless; any thread.
 */
public final class CommandedValues {

    /** How the refusal names what a boolean point takes. */
    public static final String BOOLEAN_EXPECTED = "true or false (or 1/0, on/off, active/inactive)";

    private CommandedValues() {
    }

    /**
     * The value as a boolean: {@code true}/{@code false}; the numbers 1 and 0; the words true/false, on/off,
     * active/inactive, 1/0 in any case. Empty for anything else (2, 0.5, "maybe").
     */
    public static Optional<Boolean> asBoolean(Value value) {
        if (value instanceof Value.Bool b) {
            return Optional.of(b.value());
        }
        if (value instanceof Value.Int || value instanceof Value.UInt64 || value instanceof Value.Real) {
            double d = value.asDouble();
            return d == 1 ? Optional.of(true) : d == 0 ? Optional.of(false) : Optional.empty();
        }
        if (value instanceof Value.Text t) {
            return word(t.value());
        }
        return Optional.empty();
    }

    /** The boolean words of {@link #asBoolean}, for the core's typed {@code bool} points. */
    public static Optional<Boolean> word(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "active", "1":
                return Optional.of(true);
            case "false", "off", "inactive", "0":
                return Optional.of(false);
            default:
                return Optional.empty();
        }
    }

    /**
     * True for a finite number: the only values a numeric device type takes. A boolean is not a number (OPC UA and
     * BACnet refuse {@code true} for a Double or REAL just as Modbus does for a register), and text is not either:
     * the core converts text for points configured as numeric, an adapter never does.
     */
    public static boolean isNumber(Value value) {
        return value instanceof Value.Int || value instanceof Value.UInt64
                || value instanceof Value.Real r && Double.isFinite(r.value());
    }

    /** How a refusal shows a value: text quoted, so that {@code "95"} is told apart from 95. */
    public static String describe(Value value) {
        return value instanceof Value.Text t ? "text \"" + t.value() + "\"" : String.valueOf(value);
    }
}
