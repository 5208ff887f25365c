package io.outpost.core.command;

import io.outpost.core.point.Quality;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * A number written as text in a command ({@code "95"}, {@code +96}, {@code 2.5e3}), read strictly and within
 * bounds, so that it can be range-checked like any other number before a device sees it.
 *
 * <p>Accepted: an optional sign, decimal digits with an optional fraction, an optional exponent of at most four
 * digits; at most {@value #MAX_LENGTH} characters. Refused: {@code Infinity}, {@code NaN}, hexadecimal, Java's
 * {@code f}/{@code d} suffixes, thousands separators. The length and exponent bounds keep every later step cheap:
 * an unbounded {@code 1e400000000} would make an exact conversion to an integer run for minutes.
 */
public final class NumberText {

    /** Longer than any value a field device holds (a uint64 has 20 digits, a double 17 significant ones). */
    static final int MAX_LENGTH = 64;
    /** Beyond 10^400 nothing fits a device type (a double ends near 1.8e308); below 10^-400 a value is zero. */
    private static final int MAX_ADJUSTED_EXPONENT = 400;
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d{1,4})?");

    private NumberText() {
    }

    /** True when {@code text} is a number in the accepted notation (bounds not checked). */
    public static boolean looksNumeric(String text) {
        String t = text.trim();
        return t.length() <= MAX_LENGTH && NUMBER.matcher(t).matches();
    }

    /**
     * The exact value of {@code text}.
     *
     * @throws CommandRejectedException {@code conversion-error} when it is not a number in the accepted notation,
     *                                  {@code out-of-range} when it is beyond what any device type holds
     */
    public static BigDecimal parse(String text) throws CommandRejectedException {
        String t = text.trim();
        if (t.length() > MAX_LENGTH) {
            throw new CommandRejectedException(Quality.CONVERSION_ERROR, "expected a number, found a text of "
                    + t.length() + " characters (at most " + MAX_LENGTH + ")");
        }
        if (!NUMBER.matcher(t).matches()) {
            throw new CommandRejectedException(Quality.CONVERSION_ERROR, "expected a finite decimal number, found \""
                    + t + "\"");
        }
        BigDecimal value = new BigDecimal(t);
        if (value.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long adjusted = (long) value.precision() - value.scale() - 1;
        if (adjusted > MAX_ADJUSTED_EXPONENT) {
            throw new CommandRejectedException(Quality.OUT_OF_RANGE, t + " is beyond what any device type holds");
        }
        if (adjusted < -MAX_ADJUSTED_EXPONENT) {
            // Smaller than the smallest double: zero for every device type, and cheap to handle as zero.
            return BigDecimal.ZERO;
        }
        return value;
    }
}
