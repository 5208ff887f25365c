package io.outpost.core.poll;

import io.outpost.core.config.PointConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When each polled point of one device is due. Due times sit on a fixed grid ({@code start + k * interval}), so
 * late timers never accumulate into drift; a point whose period was missed entirely moves to its next grid slot
 * (counted as missed) rather than being read twice. Points whose grids meet at one instant are read in one batch,
 * which is how points with different intervals share requests. Confined to the device's serial executor.
 */
final class PollSchedule {

    private static final class Entry {
        final PointConfig point;
        final long intervalNanos;
        long nextDueNanos;
        boolean pushed;

        Entry(PointConfig point, long nextDueNanos) {
            this.point = point;
            this.intervalNanos = point.pollInterval().toNanos();
            this.nextDueNanos = nextDueNanos;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long missedPeriods;

    PollSchedule(List<PointConfig> points, long firstDueNanos) {
        for (PointConfig p : points) {
            entries.put(p.id(), new Entry(p, firstDueNanos));
        }
    }

    /** The polled points due at {@code now}; each moves to its next grid slot after {@code now}. */
    List<PointConfig> takeDue(long now) {
        List<PointConfig> due = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.pushed || e.nextDueNanos > now) {
                continue;
            }
            due.add(e.point);
            long periods = (now - e.nextDueNanos) / e.intervalNanos + 1;
            missedPeriods += periods - 1;
            e.nextDueNanos += periods * e.intervalNanos;
        }
        return due;
    }

    /** Every polled point, for a retry after a failure; due times are left alone. */
    List<PointConfig> allPolled() {
        List<PointConfig> all = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (!e.pushed) {
                all.add(e.point);
            }
        }
        return all;
    }

    /** After recovery from a failure: a fresh grid starting one interval after the successful read. */
    void restartFrom(long readStartNanos) {
        for (Entry e : entries.values()) {
            e.nextDueNanos = readStartNanos + e.intervalNanos;
        }
    }

    /** Makes a point due now (a read-back after a write), without moving its grid further. */
    void dueNow(String pointId, long now) {
        Entry e = entries.get(pointId);
        if (e != null && !e.pushed && e.nextDueNanos > now) {
            e.nextDueNanos = now;
        }
    }

    /** Marks a point as delivered by the adapter (not polled) or polled again; a point returning to polling is due at once. */
    boolean setPushed(String pointId, boolean pushed, long now) {
        Entry e = entries.get(pointId);
        if (e == null || e.pushed == pushed) {
            return false;
        }
        e.pushed = pushed;
        if (!pushed) {
            e.nextDueNanos = now;
        }
        return true;
    }

    List<PointConfig> pushedPoints() {
        List<PointConfig> pushed = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.pushed) {
                pushed.add(e.point);
            }
        }
        return pushed;
    }

    /** The earliest due time of a polled point, or {@link Long#MAX_VALUE} when nothing is polled. */
    long nextDueNanos() {
        long next = Long.MAX_VALUE;
        for (Entry e : entries.values()) {
            if (!e.pushed && e.nextDueNanos < next) {
                next = e.nextDueNanos;
            }
        }
        return next;
    }

    long missedPeriods() {
        return missedPeriods;
    }
}
