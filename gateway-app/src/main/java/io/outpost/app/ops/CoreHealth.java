package io.outpost.app.ops;

import io.outpost.core.config.GatewayConfig;
import io.outpost.core.logic.computed.ComputedAdapterFactory;
import io.outpost.core.mapping.PointPublisher;
import io.outpost.core.poll.DeviceActivity;
import io.outpost.core.runtime.GatewayRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Progress of the core: every device loop keeps attempting reads (a device that is down is retried; that is
 * progress, the device is the problem), and the engine keeps accepting the messages handed to it.
 */
public final class CoreHealth implements HealthCheck {

    /** Messages waiting this long for the engine with no hand-over completing means the engine is stuck. */
    static final Duration ENGINE_STALL = Duration.ofSeconds(30);
    /** Slack on top of a device's expected gap before its loop counts as stalled. */
    static final Duration SLACK = Duration.ofSeconds(10);

    private final GatewayRuntime runtime;
    private final long startedNanos;

    public CoreHealth(GatewayRuntime runtime, long startedNanos) {
        this.runtime = runtime;
        this.startedNanos = startedNanos;
    }

    @Override
    public List<Health> check(long now) {
        List<Health> out = new ArrayList<>();
        for (DeviceActivity a : runtime.activity()) {
            out.add(device(a, now));
        }
        PointPublisher publisher = runtime.publisher();
        long pending = publisher.pending();
        long sinceAccepted = now - publisher.lastAcceptedNanos();
        boolean engineStuck = pending > 0 && sinceAccepted > ENGINE_STALL.toNanos();
        out.add(new Health("engine", !engineStuck, engineStuck
                ? pending + " message(s) waiting, none accepted for " + sinceAccepted / 1_000_000_000 + " s"
                : pending + " message(s) waiting"));
        return out;
    }

    private boolean computed(String deviceId) {
        GatewayConfig config = runtime.config();
        return config != null && config.device(deviceId)
                .map(d -> d.protocol().equals(ComputedAdapterFactory.PROTOCOL)).orElse(false);
    }

    private Health device(DeviceActivity a, long now) {
        String name = "device:" + a.device();
        if (!a.polls()) {
            return new Health(name, true, "no polled points; " + a.status().state().name().toLowerCase());
        }
        if (computed(a.device())) {
            // Computed points are evaluated when an input changes: still inputs mean no attempt, and no stall.
            return new Health(name, true, "computed points; " + a.status().state().name().toLowerCase());
        }
        long limit = 2 * a.expectedGap().toNanos() + SLACK.toNanos();
        long last = a.lastAttemptNanos() == Long.MIN_VALUE ? startedNanos : a.lastAttemptNanos();
        long silent = now - last;
        if (silent > limit) {
            return new Health(name, false, "no read attempt for " + silent / 1_000_000_000 + " s (expected every "
                    + a.expectedGap().toSeconds() + " s at most)");
        }
        String state = a.status().state().name().toLowerCase();
        return new Health(name, true, a.consecutiveFailures() == 0 ? state
                : state + " (" + a.status().reason() + "), retrying after " + a.consecutiveFailures() + " failure(s)");
    }
}
