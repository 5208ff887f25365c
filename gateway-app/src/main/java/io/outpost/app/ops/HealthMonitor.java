package io.outpost.app.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/** The gateway's health: healthy only when every check's items make progress. */
public final class HealthMonitor {

    private final List<HealthCheck> checks = new CopyOnWriteArrayList<>();
    private final LongSupplier nanoTime;

    /** @param nanoTime the core scheduler's monotonic clock, which the checks' timestamps are on */
    public HealthMonitor(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    public void add(HealthCheck check) {
        checks.add(check);
    }

    public void remove(HealthCheck check) {
        checks.remove(check);
    }

    public Report report() {
        long now = nanoTime.getAsLong();
        List<HealthCheck.Health> items = new ArrayList<>();
        for (HealthCheck c : checks) {
            items.addAll(c.check(now));
        }
        return new Report(items.stream().allMatch(HealthCheck.Health::healthy), List.copyOf(items));
    }

    public boolean healthy() {
        return report().healthy();
    }

    public record Report(boolean healthy, List<HealthCheck.Health> items) {
    }
}
