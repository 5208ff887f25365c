package io.outpost.core.point;

import java.util.List;
import java.util.Objects;

/**
 * An immutable point value. The variants are few on purpose: every integer type up to uint32 and int64 fits
 * {@link Int}; only uint64 needs {@link UInt64}; both float widths are held as {@link Real}, which remembers
 * whether the value is single precision so that it is rendered as the shortest decimal that reads back to the same
 * float32 (one rule for every protocol, see {@code docs/configuration.md}).
 */
public sealed interface Value permits Value.Bool, Value.Int, Value.UInt64, Value.Real, Value.Text, Value.Array {

    /** The value as a double for deadband and scaling; {@code NaN} for non-numeric values. */
    double asDouble();

    /** True for values that {@link #asDouble()} represents meaningfully. */
    boolean isNumeric();

    static Value of(boolean v) {
        return v ? Bool.TRUE : Bool.FALSE;
    }

    static Value of(long v) {
        return new Int(v);
    }

    static Value of(double v) {
        return new Real(v);
    }

    /** A single-precision value (a Modbus float32, an OPC UA Float, a BACnet Real). */
    static Value ofFloat32(float v) {
        return new Real(v, true);
    }

    static Value of(String v) {
        return new Text(v);
    }

    record Bool(boolean value) implements Value {
        public static final Bool TRUE = new Bool(true);
        public static final Bool FALSE = new Bool(false);

        @Override
        public double asDouble() {
            return value ? 1 : 0;
        }

        @Override
        public boolean isNumeric() {
            return true;
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    record Int(long value) implements Value {
        @Override
        public double asDouble() {
            return value;
        }

        @Override
        public boolean isNumeric() {
            return true;
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** An unsigned 64-bit integer; {@code bits} holds the two's-complement bit pattern. */
    record UInt64(long bits) implements Value {
        @Override
        public double asDouble() {
            double high = (double) (bits >>> 1) * 2.0;
            return high + (bits & 1);
        }

        @Override
        public boolean isNumeric() {
            return true;
        }

        @Override
        public String toString() {
            return Long.toUnsignedString(bits);
        }
    }

    /**
     * A floating-point value. With {@code single} the value is a float32 widened to double (exactly: every float is
     * a double); renderers print it as a float so that 21.3f reads {@code 21.3}, not {@code 21.299999237060547}.
     */
    record Real(double value, boolean single) implements Value {

        public Real {
            if (single && !Double.isNaN(value) && (double) (float) value != value) {
                throw new IllegalArgumentException("a single-precision value must be a float, found " + value);
            }
        }

        public Real(double value) {
            this(value, false);
        }

        @Override
        public double asDouble() {
            return value;
        }

        @Override
        public boolean isNumeric() {
            return true;
        }

        @Override
        public String toString() {
            return single ? ShortestDecimal.of((float) value) : ShortestDecimal.of(value);
        }
    }

    record Text(String value) implements Value {
        public Text {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public double asDouble() {
            return Double.NaN;
        }

        @Override
        public boolean isNumeric() {
            return false;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /** A list of scalar values (OPC UA arrays); published as a JSON array. */
    record Array(List<Value> items) implements Value {
        public Array {
            items = List.copyOf(items);
        }

        @Override
        public double asDouble() {
            return Double.NaN;
        }

        @Override
        public boolean isNumeric() {
            return false;
        }
    }
}
