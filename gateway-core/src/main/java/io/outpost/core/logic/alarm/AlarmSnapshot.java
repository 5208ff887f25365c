package io.outpost.core.logic.alarm;

import io.outpost.core.config.AlarmRule;
import io.outpost.core.point.PointRef;

/**
 * One alarm as it stands, immutable: for the retained state, the console's list and the state file.
 *
 * @param activeSince   when the condition last became active (ms since the epoch), 0 when never
 * @param changedAt     when the status last changed
 * @param ackBy         who acknowledged the current activation; empty when nobody
 * @param ackAt         when; 0 when nobody
 * @param shelvedUntil  when the shelve expires; 0 when not shelved
 * @param shelvedBy     who shelved it; empty when not shelved
 */
public record AlarmSnapshot(PointRef point, AlarmRule rule, AlarmStatus status, boolean active, long activeSince,
                            long changedAt, String ackBy, long ackAt, long shelvedUntil, String shelvedBy) {

    /** {@code device/point/alarm}, e.g. {@code tank/level/hi}. */
    public String id() {
        return point + "/" + rule.name();
    }
}
