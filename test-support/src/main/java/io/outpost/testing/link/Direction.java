package io.outpost.testing.link;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One direction of the emulated link: its latency, bandwidth and black hole, and the time its shared "wire" is
 * free again, so that all connections together stay under the bandwidth cap.
 */
final class Direction {

    final String name;
    volatile long latencyNanos;
    volatile long bytesPerSecond;
    volatile boolean blackHole;
    final AtomicLong forwarded = new AtomicLong();
    private long wireFreeAtNanos;

    Direction(String name) {
        this.name = name;
    }

    /** When a chunk of {@code bytes} that arrived at {@code arrivalNanos} reaches the far side. */
    synchronized long deliveryTime(long arrivalNanos, int bytes) {
        long rate = bytesPerSecond;
        long sent = arrivalNanos;
        if (rate > 0) {
            long start = Math.max(arrivalNanos, wireFreeAtNanos);
            sent = start + bytes * 1_000_000_000L / rate;
            wireFreeAtNanos = sent;
        }
        return sent + latencyNanos;
    }
}
