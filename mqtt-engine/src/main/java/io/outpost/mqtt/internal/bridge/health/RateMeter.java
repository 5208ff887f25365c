package io.outpost.mqtt.internal.bridge.health;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Events per second, smoothed exponentially with time constant {@code tau}. Any thread may {@link #mark}; one
 * thread calls {@link #update} periodically, and anyone reads {@link #rate}.
 */
final class RateMeter {

    private final AtomicLong count = new AtomicLong();
    private final double tauSeconds;
    private long lastCount;
    private long lastNanos = -1;
    private volatile double rate;

    public RateMeter(double tauSeconds) {
        this.tauSeconds = tauSeconds;
    }

    public void mark(long n) {
        count.addAndGet(n);
    }

    /** Folds what was marked since the last update into the rate. */
    public void update(long nowNanos) {
        long total = count.get();
        if (lastNanos < 0) {
            lastNanos = nowNanos;
            lastCount = total;
            return;
        }
        double dt = (nowNanos - lastNanos) / 1e9;
        if (dt <= 0) {
            return;
        }
        double instant = (total - lastCount) / dt;
        double alpha = 1 - Math.exp(-dt / tauSeconds);
        rate = rate + alpha * (instant - rate);
        lastNanos = nowNanos;
        lastCount = total;
    }

    public double rate() {
        return rate;
    }

}
