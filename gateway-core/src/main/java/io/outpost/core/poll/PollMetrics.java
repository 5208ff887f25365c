package io.outpost.core.poll;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A device's poll meters, registered once. */
final class PollMetrics {

    private final MeterRegistry registry;
    private final String device;
    private final Timer duration;
    private final Counter pointsRead;
    private final Counter pointsReported;
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> skipped = new ConcurrentHashMap<>();

    PollMetrics(MeterRegistry registry, String device) {
        this.registry = registry;
        this.device = device;
        this.duration = Timer.builder("outpost.poll.duration").description("Time one batched read of a device took")
                .tag("device", device).register(registry);
        this.pointsRead = Counter.builder("outpost.points.read").description("Point readings taken")
                .tag("device", device).register(registry);
        this.pointsReported = Counter.builder("outpost.points.reported")
                .description("Point readings that passed report-by-exception").tag("device", device).register(registry);
    }

    void readSucceeded(long nanos, int points) {
        duration.record(nanos, TimeUnit.NANOSECONDS);
        pointsRead.increment(points);
    }

    void reported(int points) {
        pointsReported.increment(points);
    }

    void readFailed(String reason) {
        errors.computeIfAbsent(reason, r -> Counter.builder("outpost.poll.errors")
                .description("Failed reads by reason").tag("device", device).tag("reason", r).register(registry))
                .increment();
    }

    /** Pushed values dropped because the device's queue of them was full (the core fell that far behind). */
    void pushedDropped() {
        skipped.computeIfAbsent("pushed-dropped", r -> Counter.builder("outpost.poll.pushed.dropped")
                .description("Values a device pushed (subscriptions, COV) dropped: its queue of unprocessed ones was full")
                .tag("device", device).register(registry)).increment();
    }

    void skipped(String reason) {
        skipped.computeIfAbsent(reason, r -> Counter.builder("outpost.poll.skipped")
                .description("Polls not taken: backpressure (engine behind) or busy (previous read still running)")
                .tag("device", device).tag("reason", r).register(registry)).increment();
    }
}
