package io.outpost.core.config;

import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * A conversion from the unit a device gives ({@code unit:}) to the unit a point is published in
 * ({@code publish-unit:}), made by the units library at load. Equal when it converts between the same units.
 */
public record UnitConversion(String from, String to, DoubleUnaryOperator forward, DoubleUnaryOperator inverse) {

    public UnitConversion {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(inverse, "inverse");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnitConversion u && from.equals(u.from) && to.equals(u.to);
    }

    @Override
    public int hashCode() {
        return Objects.hash(from, to);
    }

    @Override
    public String toString() {
        return from + " -> " + to;
    }
}
