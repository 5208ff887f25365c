package io.outpost.core.report;

import io.outpost.core.config.PointConfig;
import io.outpost.core.config.ReportPolicy;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Report by exception for one device's points: a reading is reported when it is the first, when its quality
 * changed, when its value moved beyond the deadband (compared with the last <em>reported</em> value), when the
 * point reports every read, or when its heartbeat has elapsed. Confined to the device's serial executor.
 */
public final class ReportFilter {

    private static final class Last {
        Sample sample;
        long reportedAtNanos;
    }

    private final Map<String, Last> last = new HashMap<>();

    /** Returns true and remembers the sample when it must be reported. */
    public boolean offer(PointConfig point, Sample sample, long nowNanos) {
        Last previous = last.get(point.id());
        if (previous == null) {
            previous = new Last();
            last.put(point.id(), previous);
        } else if (!mustReport(point, previous, sample, nowNanos)) {
            return false;
        }
        previous.sample = sample;
        previous.reportedAtNanos = nowNanos;
        return true;
    }

    /**
     * For a point nobody reads (pushed values): the last reported sample again when its heartbeat has elapsed.
     * The source timestamp stays the old one, since the device said nothing new.
     */
    public Sample heartbeatDue(PointConfig point, long nowNanos) {
        Duration heartbeat = point.report().heartbeat();
        Last previous = last.get(point.id());
        if (heartbeat == null || previous == null || nowNanos - previous.reportedAtNanos < heartbeat.toNanos()) {
            return null;
        }
        previous.reportedAtNanos = nowNanos;
        return previous.sample;
    }

    /** When the point's next heartbeat is due, or {@link Long#MAX_VALUE} when it has none yet. */
    public long nextHeartbeatNanos(PointConfig point) {
        Duration heartbeat = point.report().heartbeat();
        Last previous = last.get(point.id());
        return heartbeat == null || previous == null ? Long.MAX_VALUE : previous.reportedAtNanos + heartbeat.toNanos();
    }

    public void forget(String pointId) {
        last.remove(pointId);
    }

    private static boolean mustReport(PointConfig point, Last previous, Sample sample, long nowNanos) {
        ReportPolicy policy = point.report();
        Sample before = previous.sample;
        if (policy.everyRead() || !before.quality().equals(sample.quality())) {
            return true;
        }
        if (policy.heartbeat() != null && nowNanos - previous.reportedAtNanos >= policy.heartbeat().toNanos()) {
            return true;
        }
        return valueChanged(point, before.value(), sample.value());
    }

    private static boolean valueChanged(PointConfig point, Value before, Value now) {
        ReportPolicy policy = point.report();
        if (before == null || now == null) {
            return before != now;
        }
        if (policy.deadband() != null && before.isNumeric() && now.isNumeric()) {
            return policy.deadband().exceeded(before.asDouble(), now.asDouble(), point.range());
        }
        return !Objects.equals(before, now);
    }
}
