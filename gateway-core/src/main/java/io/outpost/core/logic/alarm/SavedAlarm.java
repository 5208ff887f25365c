package io.outpost.core.logic.alarm;

import io.outpost.core.point.PointRef;

/**
 * What is kept of an alarm across a restart: its status and whether it was active, when it became active and last
 * changed, who acknowledged it and when, a shelve with its expiry and who set it, and an on- or off-delay that was
 * running ({@code pending}, null when none). Not kept: the rate-of-change's previous reading.
 */
record SavedAlarm(PointRef point, String name, AlarmStatus status, boolean active, long activeSince, long changedAt,
                  String ackBy, long ackAt, long shelvedUntil, String shelvedBy, PendingDelay pending) {

    /** {@code device/point/alarm}. */
    String id() {
        return point + "/" + name;
    }

    static SavedAlarm of(AlarmSnapshot s, PendingDelay pending) {
        return new SavedAlarm(s.point(), s.rule().name(), s.status(), s.active(), s.activeSince(), s.changedAt(),
                s.ackBy(), s.ackAt(), s.shelvedUntil(), s.shelvedBy(), pending);
    }

    /** Worth a line in the state file: anything but a plain normal alarm that nobody acted on and nothing pends. */
    boolean worthKeeping() {
        return status != AlarmStatus.NORMAL || active || !ackBy.isEmpty() || pending != null;
    }
}
