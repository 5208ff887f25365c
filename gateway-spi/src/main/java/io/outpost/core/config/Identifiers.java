package io.outpost.core.config;

import java.util.regex.Pattern;

/** Ids end up in topic levels and file names, so they are restricted to characters that are safe in both. */
public final class Identifiers {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private Identifiers() {
    }

    /** Reports {@code value} at {@code key} unless it is a valid id; true when it is. */
    public static boolean check(ConfigNode node, String key, String value) {
        if (ID.matcher(value).matches()) {
            return true;
        }
        node.error(key, "'" + value + "' is not a valid " + key + ": use letters, digits, '_', '-' and '.' (at most "
                + "128, starting with a letter or digit), since it becomes part of MQTT topics and file names");
        return false;
    }
}
