package io.outpost.core.report;

import io.outpost.core.config.PointConfig;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.PayloadFormat;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import java.util.Map;

/**
 * One point of a running device: its configuration, what its messages look like, and its latest values. The latest
 * reading of a point is kept here once: report-by-exception compares with {@link #reported()}, the live table
 * (console, {@code /api}) reads {@link #latest()}, and the broker's retained store holds the very
 * {@link #reported()} message for retained delivery, so none of them keeps a copy.
 *
 * <p>Written only on the device's serial executor; the volatile fields are read from any thread.
 */
public final class PointState {

    private final PointConfig config;
    private final EngineeringTransform transform;
    private final MessageHeader header;
    private final PayloadFormat format;
    private volatile Sample latest;
    private volatile Message reported;
    private volatile Map<String, String> metadata = Map.of();
    /** When the last report went out, on the scheduler's monotonic clock; serial executor only. */
    private long reportedAtNanos;
    /** The read that last asked for this point, and the last that delivered it (see DevicePoller); serial executor only. */
    private long expectedMark;
    private long readMark;

    public PointState(PointConfig config, PayloadFormat format) {
        this.config = config;
        this.format = format;
        this.transform = EngineeringTransform.of(config);
        this.header = new MessageHeader(config.publication().topic(), config.publication().qos(),
                config.publication().retain(),
                MessageProperties.ofContentType(format.contentType(), MessageProperties.isText(format.contentType())),
                Message.ORIGIN_GATEWAY);
    }

    public PointConfig config() {
        return config;
    }

    public PointRef ref() {
        return config.ref();
    }

    public EngineeringTransform transform() {
        return transform;
    }

    /** The latest reading, reported or not; null before the first. */
    public Sample latest() {
        return latest;
    }

    /** The last reported message; null before the first report. */
    public Message reported() {
        return reported;
    }

    /** The source time of the last reported reading, or -1 before the first. */
    public long lastReportedMillis() {
        Message m = reported;
        return m == null ? -1 : m.sample().sourceMillis();
    }

    /** What the device said about the point: {@code unit} and protocol-specific keys; empty when nothing. */
    public Map<String, String> metadata() {
        return metadata;
    }

    void setLatest(Sample sample) {
        latest = sample;
    }

    /** The message for a reading that passed report-by-exception; it becomes the one the point reported last. */
    Message report(Sample sample, long receivedAtMillis, long nowNanos) {
        Message m = Message.reading(header, format, sample, receivedAtMillis);
        reported = m;
        reportedAtNanos = nowNanos;
        return m;
    }

    /** The last report again (a heartbeat of a pushed point that said nothing new: same sample, same source time). */
    Message reportAgain(long receivedAtMillis, long nowNanos) {
        return report(reported.sample(), receivedAtMillis, nowNanos);
    }

    long reportedAtNanos() {
        return reportedAtNanos;
    }

    public void describe(Map<String, String> pointMetadata) {
        metadata = Map.copyOf(pointMetadata);
    }

    /** Read {@code mark} asks for this point. */
    public void expect(long mark) {
        expectedMark = mark;
    }

    /**
     * Marks the point as delivered by read {@code mark}; false when that read did not ask for it or already
     * delivered it (a sample the adapter sent twice counts once).
     */
    public boolean markRead(long mark) {
        if (expectedMark != mark || readMark == mark) {
            return false;
        }
        readMark = mark;
        return true;
    }

    /** True when read {@code mark} delivered this point. */
    public boolean wasRead(long mark) {
        return readMark == mark;
    }
}
