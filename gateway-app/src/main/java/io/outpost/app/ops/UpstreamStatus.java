package io.outpost.app.ops;

/**
 * What the console and the JSON API show of an upstream.
 *
 * @param state            e.g. connected, connecting, backing-off, stalled, disabled
 * @param acked            messages acknowledged by the upstream since start (a counter; the history derives rates)
 * @param autonomyHours    hours the store can keep accepting at the current inflow, or -1 when unknown
 * @param bytesPerPointUpdate uplink bytes per point update carried, or -1 when unknown
 */
public record UpstreamStatus(String name, String state, String server, long queuedMessages, long queuedBytes,
                             double oldestQueuedSeconds, long inflight, long acked, long reconnects,
                             double autonomyHours, double bytesPerPointUpdate, boolean storeAccepting) {
}
