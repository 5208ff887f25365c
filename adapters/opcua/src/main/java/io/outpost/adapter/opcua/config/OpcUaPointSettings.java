package io.outpost.adapter.opcua.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A point's OPC UA keys.
 *
 * @param samplingInterval how often the server samples the node for a subscribed point; null: the point's
 *                         poll-interval
 * @param queueSize        values the server keeps per publishing interval (the newest win when it overflows);
 *                         0 means "as many as fit between two publications" (publishing / sampling interval)
 */
public record OpcUaPointSettings(NodeAddress node, PointMode mode, Duration samplingInterval, int queueSize) {

    public OpcUaPointSettings {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(mode, "mode");
    }

    /** The sampling interval to request: the configured one, else the point's poll-interval. */
    public Duration effectiveSamplingInterval(Duration pollInterval) {
        return samplingInterval != null ? samplingInterval : pollInterval;
    }

    /** The queue size to request: the configured one, or enough for every sample between two publications. */
    public int effectiveQueueSize(Duration sampling, Duration publishingInterval) {
        if (queueSize > 0) {
            return queueSize;
        }
        long samplingMillis = Math.max(1, sampling.toMillis());
        long perPublication = (publishingInterval.toMillis() + samplingMillis - 1) / samplingMillis;
        return (int) Math.max(1, Math.min(1_000, perPublication));
    }
}
