package io.outpost.core.logic.alarm;

import java.util.Locale;
import java.util.Optional;

/**
 * The ISA-18.2 states of an alarm, plus shelved. Whether the condition is active is tracked beside the status (an
 * alarm shelved while active is still active); the status says what the operator has to do.
 */
public enum AlarmStatus {
    /** Condition inactive, nothing to acknowledge. */
    NORMAL,
    /** Condition active, not yet acknowledged: the operator must respond. */
    UNACKNOWLEDGED,
    /** Condition active, acknowledged: the operator is on it. */
    ACKNOWLEDGED,
    /** Condition gone before anyone acknowledged: acknowledging returns it to normal. */
    RETURNED_UNACKNOWLEDGED,
    /** Taken off the alarm list by an operator until it is unshelved or the shelve expires. */
    SHELVED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<AlarmStatus> ofWireName(String name) {
        for (AlarmStatus s : values()) {
            if (s.wireName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** True when the operator is expected to acknowledge. */
    public boolean needsAcknowledgement() {
        return this == UNACKNOWLEDGED || this == RETURNED_UNACKNOWLEDGED;
    }
}
