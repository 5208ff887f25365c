package io.outpost.app.ops;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import io.outpost.mqtt.bridge.health.UpstreamStatus;

/**
 * The last hour of the numbers the console draws: per upstream, queued messages and acknowledgements per second;
 * for the core, point updates reported per second. Sampled by the ops server's timer every {@link #PERIOD_SECONDS}.
 */
public final class MetricsHistory {

    public static final int PERIOD_SECONDS = 10;
    static final int SAMPLES = 3600 / PERIOD_SECONDS;

    public record Sample(long timestampMillis, long pointsPerSecond, Map<String, long[]> upstreams) {
    }

    private final Supplier<List<UpstreamStatus>> upstreams;
    private final LongSupplier reportedPoints;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final Map<String, Long> lastAcked = new LinkedHashMap<>();
    private long lastReported = -1;

    public MetricsHistory(Supplier<List<UpstreamStatus>> upstreams, LongSupplier reportedPoints) {
        this.upstreams = upstreams;
        this.reportedPoints = reportedPoints;
    }

    public synchronized void sample(long nowMillis) {
        long reported = reportedPoints.getAsLong();
        long pointRate = lastReported < 0 ? 0 : (reported - lastReported) / PERIOD_SECONDS;
        lastReported = reported;
        Map<String, long[]> perUpstream = new LinkedHashMap<>();
        for (UpstreamStatus u : upstreams.get()) {
            Long before = lastAcked.put(u.upstream(), u.acked());
            long rate = before == null ? 0 : Math.max(0, u.acked() - before) / PERIOD_SECONDS;
            perUpstream.put(u.upstream(), new long[] {u.queuedMessages(), rate});
        }
        samples.addLast(new Sample(nowMillis, pointRate, perUpstream));
        while (samples.size() > SAMPLES) {
            samples.removeFirst();
        }
    }

    public synchronized List<Sample> samples() {
        return new ArrayList<>(samples);
    }
}
