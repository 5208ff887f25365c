package io.outpost.app.fleet;

import java.util.Map;

/**
 * One command request as read from JSON ({@link JsonTree}: bounded nesting), with checked accessors that fail with a
 * {@code malformed} {@link CommandFailure} naming the field. Immutable.
 *
 * @param signed whether it arrived in an envelope whose signature, gateway and freshness were verified
 */
record CommandRequest(String id, String command, Map<String, Object> fields, boolean signed) {

    String required(String key) throws CommandFailure {
        if (!(fields.get(key) instanceof String s) || s.isEmpty()) {
            throw new CommandFailure("malformed", command + " needs " + key + " (a string)");
        }
        return s;
    }

    String optional(String key) throws CommandFailure {
        Object v = fields.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new CommandFailure("malformed", key + " must be a string");
        }
        return s;
    }

    /** A whole number within {@code [min, max]}, or {@code fallback} when absent. */
    int integer(String key, int fallback, int min, int max) throws CommandFailure {
        Object v = fields.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Long l) || l < min || l > max) {
            throw new CommandFailure("malformed", key + " must be a whole number from " + min + " to " + max
                    + ", found " + v);
        }
        return (int) (long) l;
    }

    boolean has(String key) {
        return fields.containsKey(key);
    }

    Object value(String key) {
        return fields.get(key);
    }
}
