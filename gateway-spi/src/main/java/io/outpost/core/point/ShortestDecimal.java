package io.outpost.core.point;

import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * The shortest decimal text that reads back to the same number, for floats and doubles. Java 17's
 * {@link Float#toString} and {@link Double#toString} are not always shortest (JDK-4511638, fixed in Java 19); the
 * Schubfach algorithm that Jackson ships (and Java 19 adopted) is, so every renderer goes through here.
 */
public final class ShortestDecimal {

    private ShortestDecimal() {
    }

    /** {@code 21.3} for 21.3f; non-finite values as {@code NaN}, {@code Infinity}, {@code -Infinity}. */
    public static String of(float v) {
        return NumberOutput.toString(v, true);
    }

    public static String of(double v) {
        return NumberOutput.toString(v, true);
    }
}
