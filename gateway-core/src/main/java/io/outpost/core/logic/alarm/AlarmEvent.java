package io.outpost.core.logic.alarm;

import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;

/**
 * One transition of an alarm, published as an event and logged.
 *
 * @param kind     what happened
 * @param previous the status before
 * @param alarm    the alarm after
 * @param by       who did it; {@link Actor#GATEWAY} for transitions the readings caused
 * @param comment  the operator's comment; empty when none
 * @param value    the reading that caused it; null when none (an acknowledgement)
 * @param quality  that reading's quality; null when none
 * @param at       when (ms since the epoch)
 */
public record AlarmEvent(Kind kind, AlarmStatus previous, AlarmSnapshot alarm, Actor by, String comment, Value value,
                         Quality quality, long at) {

    public enum Kind {
        ACTIVATED, CLEARED, ACKNOWLEDGED, SHELVED, UNSHELVED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
