package io.outpost.core.logic.alarm;

import io.outpost.core.point.PointRef;
import io.outpost.core.time.Cancellable;
import java.util.List;
import java.util.Optional;

/**
 * The alarms of one point and where they are published. Guarded by its own monitor: readings (the device's serial
 * executor), timers and operators' commands all lock it, so a point's transitions and messages keep their order.
 */
final class PointAlarmSet {

    final PointRef point;
    final List<Alarm> alarms;
    final String stateTopic;
    final String eventTopic;
    final String commandTopic;
    final String resultTopic;
    /** The one timer of the point (delays, shelve expiry); guarded by this. */
    Cancellable timer = Cancellable.NONE;
    long timerAtNanos = Long.MAX_VALUE;
    boolean closed;

    PointAlarmSet(PointRef point, List<Alarm> alarms, String stateTopic) {
        this.point = point;
        this.alarms = List.copyOf(alarms);
        this.stateTopic = stateTopic;
        this.eventTopic = stateTopic + "/event";
        this.commandTopic = stateTopic + "/set";
        this.resultTopic = commandTopic + "/result";
    }

    Optional<Alarm> alarm(String name) {
        return alarms.stream().filter(a -> a.rule().name().equals(name)).findFirst();
    }

    List<AlarmSnapshot> snapshots() {
        return alarms.stream().map(Alarm::snapshot).toList();
    }
}
