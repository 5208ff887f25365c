package io.outpost.core.config;

/** The engineering range of a point: values outside it are reported uncertain ({@code out-of-range}); writes outside it are refused. */
public record Range(double min, double max) {

    public Range {
        if (!(min < max)) {
            throw new IllegalArgumentException("range minimum must be below its maximum, found [" + min + ", " + max + "]");
        }
    }

    public boolean contains(double v) {
        return v >= min && v <= max;
    }

    public double span() {
        return max - min;
    }
}
