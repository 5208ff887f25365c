package io.outpost.core.config;

/** Engineering value = raw * scale + offset. Writes apply the inverse before the value goes to the device. */
public record Scaling(double scale, double offset) {

    public static final Scaling IDENTITY = new Scaling(1.0, 0.0);

    public Scaling {
        if (scale == 0 || Double.isNaN(scale) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a non-zero number, found " + scale);
        }
    }

    public boolean isIdentity() {
        return scale == 1.0 && offset == 0.0;
    }

    public double toEngineering(double raw) {
        return raw * scale + offset;
    }

    public double toRaw(double engineering) {
        return (engineering - offset) / scale;
    }
}
