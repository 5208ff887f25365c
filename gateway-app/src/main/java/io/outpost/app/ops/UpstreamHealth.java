package io.outpost.app.ops;

import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Progress of each upstream: while connected, acknowledgements keep arriving for what is in flight; while the
 * link is down (connecting, waiting), the store keeps accepting (no refusals for store or disk full). The bridge
 * itself reconnects a stalled link; this check catches the case where even that does not help.
 */
public final class UpstreamHealth implements HealthCheck {

    /** In flight with no acknowledgement this long (well past the bridge's own stall timeout) is no progress. */
    static final Duration NO_ACKS = Duration.ofMinutes(2);
    /** Refusals within this window mean the store is not accepting. */
    static final Duration REFUSAL_WINDOW = Duration.ofMinutes(1);
    private static final Set<String> REFUSALS = Set.of("store-full", "disk-full", "store-error", "store-busy");

    private final Supplier<List<UpstreamStatus>> upstreams;
    private final Map<String, Progress> progress = new HashMap<>();

    private static final class Progress {
        long acked = -1;
        long ackedChangedNanos;
        long refused = -1;
        long refusedChangedNanos = Long.MIN_VALUE;
    }

    public UpstreamHealth(Supplier<List<UpstreamStatus>> upstreams) {
        this.upstreams = upstreams;
    }

    @Override
    public synchronized List<Health> check(long now) {
        List<Health> out = new ArrayList<>();
        for (UpstreamStatus u : upstreams.get()) {
            Progress p = progress.computeIfAbsent(u.upstream(), k -> new Progress());
            if (u.acked() != p.acked || u.inflight() == 0) {
                p.acked = u.acked();
                p.ackedChangedNanos = now;
            }
            long refused = u.dropped().entrySet().stream().filter(e -> REFUSALS.contains(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
            if (p.refused >= 0 && refused > p.refused) {
                p.refusedChangedNanos = now;
            }
            p.refused = refused;
            out.add(health(u, p, now));
        }
        return out;
    }

    private static Health health(UpstreamStatus u, Progress p, long now) {
        String name = "upstream:" + u.upstream();
        boolean refusing = p.refusedChangedNanos != Long.MIN_VALUE && now - p.refusedChangedNanos < REFUSAL_WINDOW.toNanos();
        if (refusing) {
            return new Health(name, false, "the store refuses messages (" + u.dropped() + ")");
        }
        switch (u.state()) {
            case "connected": {
                long silent = now - p.ackedChangedNanos;
                return silent > NO_ACKS.toNanos()
                        ? new Health(name, false, u.inflight() + " in flight, no acknowledgement for " + silent / 1_000_000_000 + " s")
                        : new Health(name, true, "connected, " + u.queuedMessages() + " queued");
            }
            case "stopped":
                return new Health(name, false, "stopped");
            default:
                return new Health(name, true, u.state() + " (link down, store accepting, " + u.queuedMessages() + " queued)"
                        + (u.lastError() == null ? "" : ": " + u.lastError()));
        }
    }
}
