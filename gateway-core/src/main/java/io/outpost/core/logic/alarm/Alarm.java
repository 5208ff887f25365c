package io.outpost.core.logic.alarm;

import io.outpost.core.config.AlarmRule;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.util.List;

/**
 * One alarm's state machine (ISA-18.2): the condition, debounced by the rule's on- and off-delay, drives
 * normal -> unacknowledged -> (acknowledged | returned-unacknowledged) -> normal; an operator acknowledges or shelves.
 * While shelved the condition is still followed but not announced; when the shelve ends (by hand or expiry) an
 * active alarm comes back unacknowledged, an inactive one normal.
 *
 * <p>Delays are measured on the monotonic clock ({@code nowNanos}); what is shown and kept uses wall time
 * ({@code nowMillis}). Not thread-safe: its {@link AlarmService} serialises every call per point.
 */
final class Alarm {

    private final PointRef point;
    private final AlarmRule rule;
    private final AlarmCondition condition;
    private AlarmStatus status = AlarmStatus.NORMAL;
    /** The debounced condition: what the alarm says. */
    private boolean active;
    /** The condition as the last reading judged it. */
    private boolean raw;
    /** When raw != active: when the current delay ends, on the monotonic clock; else Long.MAX_VALUE. */
    private long pendingUntilNanos = Long.MAX_VALUE;
    private Value pendingValue;
    private Quality pendingQuality;
    /**
     * A delay restored from before a restart that ran out while the gateway was down (then 0 when none): nobody saw
     * the condition in between, so the next reading decides: still there, the alarm changes at once; gone, the
     * delay is dropped.
     */
    private long lapsedUntilMillis;
    private long activeSince;
    private long changedAt;
    private String ackBy = "";
    private long ackAt;
    private long shelvedUntil;
    private String shelvedBy = "";

    Alarm(PointRef point, AlarmRule rule) {
        this.point = point;
        this.rule = rule;
        this.condition = new AlarmCondition(rule);
    }

    AlarmRule rule() {
        return rule;
    }

    AlarmStatus status() {
        return status;
    }

    /**
     * Takes the state kept across a restart (or a reload that left the rule as it was). A delay that was running
     * goes on to the same wall-clock end; one that ended while the gateway was down waits for the next reading.
     */
    void restore(SavedAlarm s, long nowNanos, long nowMillis) {
        status = s.status();
        active = s.active();
        raw = s.active();
        activeSince = s.activeSince();
        changedAt = s.changedAt();
        ackBy = s.ackBy();
        ackAt = s.ackAt();
        shelvedUntil = s.shelvedUntil();
        shelvedBy = s.shelvedBy();
        PendingDelay p = s.pending();
        if (p != null && p.target() != active) {
            raw = p.target();
            pendingValue = p.value();
            pendingQuality = p.quality();
            if (p.untilMillis() > nowMillis) {
                pendingUntilNanos = nowNanos + (p.untilMillis() - nowMillis) * 1_000_000;
            } else {
                lapsedUntilMillis = p.untilMillis();
            }
        }
    }

    /** What to keep across a restart: the snapshot and a running delay. */
    SavedAlarm saved(long nowNanos, long nowMillis) {
        PendingDelay pending = null;
        if (pendingUntilNanos != Long.MAX_VALUE) {
            pending = new PendingDelay(raw, nowMillis + Math.max(0, pendingUntilNanos - nowNanos) / 1_000_000,
                    pendingValue, pendingQuality);
        } else if (lapsedUntilMillis != 0) {
            pending = new PendingDelay(raw, lapsedUntilMillis, pendingValue, pendingQuality);
        }
        return SavedAlarm.of(snapshot(), pending);
    }

    AlarmSnapshot snapshot() {
        return new AlarmSnapshot(point, rule, status, active, activeSince, changedAt, ackBy, ackAt, shelvedUntil,
                shelvedBy);
    }

    /**
     * A new reading.
     *
     * @return whether a delay started or ended without a transition (worth saving: a transition is saved anyway)
     */
    boolean observe(Sample sample, long nowNanos, long nowMillis, List<AlarmEvent> out) {
        Boolean now = condition.evaluate(sample, active);
        if (now == null) {
            return false;
        }
        long pendingBefore = pendingUntilNanos;
        boolean lapsed = lapsedUntilMillis != 0;
        lapsedUntilMillis = 0;
        raw = now;
        if (raw == active) {
            pendingUntilNanos = Long.MAX_VALUE;
            return pendingBefore != Long.MAX_VALUE || lapsed;
        }
        long delay = (raw ? rule.onDelay() : rule.offDelay()).toNanos();
        if (lapsed) {
            // The delay began before the restart (towards this same state: restore keeps only a delay towards the
            // other state) and its time is up: the condition was there then and is now.
            pendingUntilNanos = Long.MAX_VALUE;
            setActive(raw, pendingValue, pendingQuality, nowMillis, out);
        } else if (delay == 0) {
            pendingUntilNanos = Long.MAX_VALUE;
            setActive(raw, sample.value(), sample.quality(), nowMillis, out);
        } else if (pendingUntilNanos == Long.MAX_VALUE) {
            // The delay runs from the first reading that showed the change, not from the latest one.
            pendingUntilNanos = nowNanos + delay;
            pendingValue = sample.value();
            pendingQuality = sample.quality();
        }
        return pendingBefore != pendingUntilNanos;
    }

    /** The earliest time {@link #tick} has something to do, on the monotonic clock; Long.MAX_VALUE when none. */
    long nextDeadlineNanos(long nowNanos, long nowMillis) {
        long next = pendingUntilNanos;
        if (status == AlarmStatus.SHELVED && shelvedUntil > 0) {
            next = Math.min(next, nowNanos + Math.max(0, shelvedUntil - nowMillis) * 1_000_000);
        }
        return next;
    }

    /** Time passed: ends an elapsed delay, or a shelve that expired. */
    void tick(long nowNanos, long nowMillis, List<AlarmEvent> out) {
        if (pendingUntilNanos != Long.MAX_VALUE && nowNanos >= pendingUntilNanos) {
            pendingUntilNanos = Long.MAX_VALUE;
            setActive(raw, pendingValue, pendingQuality, nowMillis, out);
        }
        if (status == AlarmStatus.SHELVED && shelvedUntil > 0 && nowMillis >= shelvedUntil) {
            unshelve(Actor.GATEWAY, "shelve expired", nowMillis, out);
        }
    }

    private void setActive(boolean nowActive, Value value, Quality quality, long nowMillis, List<AlarmEvent> out) {
        if (nowActive == active) {
            return;
        }
        active = nowActive;
        AlarmStatus before = status;
        if (nowActive) {
            activeSince = nowMillis;
            ackBy = "";
            ackAt = 0;
        }
        if (status != AlarmStatus.SHELVED) {
            status = nowActive ? AlarmStatus.UNACKNOWLEDGED
                    : status == AlarmStatus.ACKNOWLEDGED ? AlarmStatus.NORMAL
                    : status == AlarmStatus.UNACKNOWLEDGED ? AlarmStatus.RETURNED_UNACKNOWLEDGED : status;
            changedAt = nowMillis;
        }
        out.add(new AlarmEvent(nowActive ? AlarmEvent.Kind.ACTIVATED : AlarmEvent.Kind.CLEARED, before, snapshot(),
                Actor.GATEWAY, "", value, quality, nowMillis));
    }

    /** Acknowledges; false (and nothing changes) when there is nothing to acknowledge. */
    boolean acknowledge(Actor by, String comment, long nowMillis, List<AlarmEvent> out) {
        if (!status.needsAcknowledgement()) {
            return false;
        }
        AlarmStatus before = status;
        status = status == AlarmStatus.UNACKNOWLEDGED ? AlarmStatus.ACKNOWLEDGED : AlarmStatus.NORMAL;
        ackBy = by.name();
        ackAt = nowMillis;
        changedAt = nowMillis;
        out.add(new AlarmEvent(AlarmEvent.Kind.ACKNOWLEDGED, before, snapshot(), by, comment, null, null, nowMillis));
        return true;
    }

    /** Shelves until {@code untilMillis} (a shelved alarm is shelved again with the new expiry). */
    void shelve(Actor by, String comment, long untilMillis, long nowMillis, List<AlarmEvent> out) {
        AlarmStatus before = status;
        status = AlarmStatus.SHELVED;
        shelvedUntil = untilMillis;
        shelvedBy = by.name();
        changedAt = nowMillis;
        out.add(new AlarmEvent(AlarmEvent.Kind.SHELVED, before, snapshot(), by, comment, null, null, nowMillis));
    }

    /** Ends a shelve; false when the alarm is not shelved. */
    boolean unshelve(Actor by, String comment, long nowMillis, List<AlarmEvent> out) {
        if (status != AlarmStatus.SHELVED) {
            return false;
        }
        status = active ? AlarmStatus.UNACKNOWLEDGED : AlarmStatus.NORMAL;
        if (active) {
            ackBy = "";
            ackAt = 0;
        }
        shelvedUntil = 0;
        shelvedBy = "";
        changedAt = nowMillis;
        out.add(new AlarmEvent(AlarmEvent.Kind.UNSHELVED, AlarmStatus.SHELVED, snapshot(), by, comment, null, null,
                nowMillis));
        return true;
    }
}
