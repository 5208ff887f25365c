package io.outpost.mqtt.bridge.health;

import java.util.Map;

/**
 * A snapshot of one upstream for operators (the ops API, the {@code $SYS} topic, metrics). Immutable.
 *
 * @param state               {@code connected}, {@code connecting}, {@code waiting} or {@code stopped}
 * @param server              the server connected to, or null
 * @param queuedMessages      messages in the store (in flight included)
 * @param queuedBytes         their stored size
 * @param storeBytes          size of the store's files (what max-bytes bounds)
 * @param oldestQueuedSeconds age of the oldest message not yet acknowledged, 0 when none
 * @param inflight            QoS 1/2 messages sent and not yet acknowledged
 * @param window              the send window in force (configured, lowered to the server's Receive Maximum)
 * @param ackRate             acknowledgements per second (smoothed)
 * @param replayRate          messages per second sent that were queued before the link came up (smoothed)
 * @param inflowRate          messages per second accepted into the store (smoothed)
 * @param inflowBytesRate     bytes per second accepted into the store (smoothed over minutes)
 * @param dropped             messages dropped (or refused) so far, by reason
 * @param autonomyHours       hours until the store (or the disk) is full at the current inflow, or
 *                            {@link Double#POSITIVE_INFINITY} when nothing flows in
 * @param freeDiskBytes       usable space on the store's file system
 * @param bytesSent           bytes the upstream's connections wrote to their sockets since the gateway started
 *                            (MQTT and TLS: headers, topics, payloads, acknowledgements, pings)
 * @param bytesReceived       bytes they read from their sockets
 * @param pointUpdatesSent    point updates in the messages sent (a batch carries many)
 * @param bytesPerPointUpdate {@code (bytesSent + bytesReceived) / pointUpdatesSent}: what a reading costs on the
 *                            link; {@link Double#NaN} before the first point update went out
 * @param budget              the byte budget's state, or null when the upstream has none
 */
public record UpstreamStatus(String upstream, String state, String server, long connectedSinceMillis,
                             long queuedMessages, long queuedBytes, long storeBytes, long maxBytes,
                             double oldestQueuedSeconds, int inflight, int window, double ackRate,
                             double replayRate, double inflowRate, double inflowBytesRate, long sent, long acked,
                             long reconnects, long stalls, Map<String, Long> dropped, double autonomyHours,
                             long freeDiskBytes, String lastError, long bytesSent, long bytesReceived,
                             long pointUpdatesSent, double bytesPerPointUpdate, Budget budget) {

    /**
     * Where the byte budget stands.
     *
     * @param state          {@code normal}, {@code low} (telemetry thinned) or {@code exhausted} (only kept classes)
     * @param usedBytes      bytes moved this period (both directions, at the socket)
     * @param limitBytes     the budget per period
     * @param periodEndMillis when the period ends and the count starts again
     */
    public record Budget(String state, long usedBytes, long limitBytes, long periodEndMillis) {
    }

    public UpstreamStatus {
        dropped = Map.copyOf(dropped);
    }

    /** What a point update costs on the link, in bytes (see {@link #bytesPerPointUpdate}). */
    public static double bytesPerPointUpdate(long sent, long received, long pointUpdates) {
        return pointUpdates == 0 ? Double.NaN : (double) (sent + received) / pointUpdates;
    }
}
