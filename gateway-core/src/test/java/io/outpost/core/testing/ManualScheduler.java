package io.outpost.core.testing;

import io.outpost.core.time.Cancellable;
import io.outpost.core.time.TaskScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/**
 * Virtual time for tests: nothing happens until the test calls {@link #advance}, which runs every task due on the
 * way, in order, with the clock set to each task's time. Tasks run on the calling thread.
 */
public final class ManualScheduler implements TaskScheduler {

    private record Task(long at, long seq, Runnable run, boolean[] cancelled) {
    }

    private final Instant epoch;
    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    public ManualScheduler(Instant epoch) {
        this.epoch = epoch;
    }

    public ManualScheduler() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return epoch.plusNanos(nanoTime());
            }
        };
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(long delayNanos, Runnable task) {
        boolean[] cancelled = {false};
        queue.add(new Task(now + Math.max(0, delayNanos), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Moves time forward, running every task due up to the new time. */
    public void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.at > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = next.at;
            }
            if (!next.cancelled[0]) {
                next.run.run();
            }
        }
    }

    /** Runs the tasks due now. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    public Instant instant() {
        return clock().instant();
    }

    /** Milliseconds of virtual time since the epoch, for readable assertions. */
    public long elapsedMillis() {
        return nanoTime() / 1_000_000;
    }
}
