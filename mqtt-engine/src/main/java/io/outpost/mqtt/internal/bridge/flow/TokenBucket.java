package io.outpost.mqtt.internal.bridge.flow;

/**
 * A byte-rate limit: up to one second's worth may go at once, then {@code rate} bytes per second. A message larger
 * than a second's worth goes when the bucket is full, so no message waits forever. Not thread-safe.
 */
final class TokenBucket {

    private final long rate;
    private double tokens;
    private long lastNanos;

    /** @param bytesPerSecond the limit, or 0 for none */
    public TokenBucket(long bytesPerSecond, long nowNanos) {
        this.rate = bytesPerSecond;
        this.tokens = bytesPerSecond;
        this.lastNanos = nowNanos;
    }

    /** Takes {@code bytes} and returns 0, or returns how long to wait before trying again (nothing taken). */
    public long take(long bytes, long nowNanos) {
        if (rate == 0) {
            return 0;
        }
        tokens = Math.min(rate, tokens + (nowNanos - lastNanos) * (double) rate / 1e9);
        lastNanos = nowNanos;
        double needed = Math.min(bytes, rate);
        if (tokens >= needed) {
            tokens -= bytes;
            return 0;
        }
        return (long) Math.ceil((needed - tokens) * 1e9 / rate);
    }
}
