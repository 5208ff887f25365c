package io.outpost.core.config;

/**
 * Engineering value = raw * scale + offset, then converted to the published unit when the point has one.
 * Writes apply the inverse before the value goes to the device.
 *
 * @param unit null unless the point converts units ({@code publish-unit:})
 */
public record Scaling(double scale, double offset, UnitConversion unit) {

    public static final Scaling IDENTITY = new Scaling(1.0, 0.0);

    public Scaling {
        if (scale == 0 || Double.isNaN(scale) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a non-zero number, found " + scale);
        }
    }

    public Scaling(double scale, double offset) {
        this(scale, offset, null);
    }

    public boolean isIdentity() {
        return scale == 1.0 && offset == 0.0 && unit == null;
    }

    public double toEngineering(double raw) {
        return toPublishedUnit(raw * scale + offset);
    }

    /** A value in the device's unit (after scale and offset) in the published unit. */
    public double toPublishedUnit(double engineering) {
        return unit == null ? engineering : unit.forward().applyAsDouble(engineering);
    }

    public double toRaw(double engineering) {
        double inDeviceUnit = unit == null ? engineering : unit.inverse().applyAsDouble(engineering);
        return (inDeviceUnit - offset) / scale;
    }
}
