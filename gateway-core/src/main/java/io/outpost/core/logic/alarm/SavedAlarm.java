package io.outpost.core.logic.alarm;

/**
 * What is kept of an alarm across a restart: its status and whether it was active, when it became active and last
 * changed, who acknowledged it and when, and a shelve with its expiry and who set it. Not kept: delays running at
 * the stop (a pending on-delay starts again with the next reading) and rate-of-change history.
 */
record SavedAlarm(String id, AlarmStatus status, boolean active, long activeSince, long changedAt, String ackBy,
                  long ackAt, long shelvedUntil, String shelvedBy) {

    static SavedAlarm of(AlarmSnapshot s) {
        return new SavedAlarm(s.id(), s.status(), s.active(), s.activeSince(), s.changedAt(), s.ackBy(), s.ackAt(),
                s.shelvedUntil(), s.shelvedBy());
    }
}
