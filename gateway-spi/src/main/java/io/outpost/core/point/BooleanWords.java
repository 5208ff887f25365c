package io.outpost.core.point;

import java.util.Locale;
import java.util.Optional;

/** The words people write for a boolean in commands: true/false, on/off, 1/0, in any case. */
public final class BooleanWords {

    private BooleanWords() {
    }

    public static Optional<Boolean> parse(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "1":
                return Optional.of(true);
            case "false", "off", "0":
                return Optional.of(false);
            default:
                return Optional.empty();
        }
    }
}
