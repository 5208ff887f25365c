package io.outpost.core.logic.alarm;

import java.util.List;

/**
 * The outcome of an operator's command.
 *
 * @param alarms the alarms it changed (names within the point) when ok
 * @param error  a machine-readable reason when refused: {@code unknown-point}, {@code unknown-alarm},
 *               {@code nothing-to-acknowledge}, {@code not-shelved}, {@code shelve-too-long}, {@code bad-payload},
 *               {@code not-authorised}
 */
public record AlarmResult(boolean ok, List<String> alarms, String error, String message) {

    public AlarmResult {
        alarms = List.copyOf(alarms);
        error = error == null ? "" : error;
        message = message == null ? "" : message;
    }

    static AlarmResult done(List<String> alarms) {
        return new AlarmResult(true, alarms, null, null);
    }

    public static AlarmResult refused(String error, String message) {
        return new AlarmResult(false, List.of(), error, message);
    }
}
