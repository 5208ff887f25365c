package io.outpost.core.report;

import io.outpost.core.config.PointConfig;
import io.outpost.core.config.ReportPolicy;
import io.outpost.core.message.Message;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.time.Duration;
import java.util.Objects;

/**
 * Report by exception: a reading is reported when it is the first, when its quality changed, when its value moved
 * beyond the deadband (compared with the last <em>reported</em> value), when the point reports every read, or when
 * its heartbeat has elapsed. Works on the {@link PointState}s of one device, on that device's serial executor.
 * Stateless itself.
 */
public final class ReportFilter {

    private ReportFilter() {
    }

    /**
     * Takes a raw reading of a point: transforms it to engineering units, records it as the latest, and returns the
     * message to publish when it must be reported (then it is also the point's last reported), else null.
     */
    public static Message offer(PointState point, Sample raw, long receivedAtMillis, long nowNanos) {
        Sample sample = point.transform().apply(raw);
        point.setLatest(sample);
        Message before = point.reported();
        if (before != null && !mustReport(point.config(), before.sample(), point.reportedAtNanos(), sample, nowNanos)) {
            return null;
        }
        return point.report(sample, receivedAtMillis, nowNanos);
    }

    /**
     * For a point nobody reads (pushed values): the last reported reading again when its heartbeat has elapsed, as
     * a new message with the old source time, since the device said nothing new; else null.
     */
    public static Message heartbeatDue(PointState point, long receivedAtMillis, long nowNanos) {
        Duration heartbeat = point.config().report().heartbeat();
        if (heartbeat == null || point.reported() == null || nowNanos - point.reportedAtNanos() < heartbeat.toNanos()) {
            return null;
        }
        return point.reportAgain(receivedAtMillis, nowNanos);
    }

    /** When the point's next heartbeat is due, or {@link Long#MAX_VALUE} when it has none yet. */
    public static long nextHeartbeatNanos(PointState point) {
        Duration heartbeat = point.config().report().heartbeat();
        return heartbeat == null || point.reported() == null ? Long.MAX_VALUE
                : point.reportedAtNanos() + heartbeat.toNanos();
    }

    private static boolean mustReport(PointConfig point, Sample before, long reportedAtNanos, Sample sample,
                                      long nowNanos) {
        ReportPolicy policy = point.report();
        if (policy.everyRead() || !before.quality().equals(sample.quality())) {
            return true;
        }
        if (policy.heartbeat() != null && nowNanos - reportedAtNanos >= policy.heartbeat().toNanos()) {
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
