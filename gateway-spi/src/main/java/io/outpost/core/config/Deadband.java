package io.outpost.core.config;

/**
 * How much a numeric value must move before it is reported again. {@code ABSOLUTE}: in engineering units.
 * {@code PERCENT}: of the point's configured range span when it has a range, else of the last reported value's
 * magnitude. The comparison is against the last <em>reported</em> value, so slow drift is still reported once it
 * adds up.
 */
public record Deadband(Kind kind, double amount) {

    public enum Kind { ABSOLUTE, PERCENT }

    public Deadband {
        if (!(amount >= 0) || Double.isInfinite(amount)) {
            throw new IllegalArgumentException("deadband must be a non-negative number, found " + amount);
        }
    }

    /** True when the change from {@code last} to {@code now} is larger than the deadband. */
    public boolean exceeded(double last, double now, Range range) {
        if (Double.isNaN(last) != Double.isNaN(now)) {
            return true;
        }
        double change = Math.abs(now - last);
        double limit = switch (kind) {
            case ABSOLUTE -> amount;
            case PERCENT -> amount / 100.0 * (range != null ? range.span() : Math.abs(last));
        };
        return change > limit;
    }

    @Override
    public String toString() {
        return kind == Kind.PERCENT ? amount + "%" : Double.toString(amount);
    }
}
