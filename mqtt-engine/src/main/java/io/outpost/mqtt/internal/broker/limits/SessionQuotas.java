package io.outpost.mqtt.internal.broker.limits;

import io.outpost.mqtt.broker.config.BrokerLimits;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker-wide bounds sessions share: bytes waiting in all session queues together
 * ({@code limits.max-total-queued-bytes}), sessions kept beyond their connection ({@code max-persistent-sessions})
 * and subscriptions ({@code max-subscriptions}, {@code max-subscriptions-per-client}). Sessions take and give back
 * on their own threads; thread-safe counters, so a bound can be passed by a few units when many sessions race for
 * the last of it.
 */
public final class SessionQuotas {

    private final BrokerLimits.Quotas limits;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger persistentSessions = new AtomicInteger();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final AtomicLong nextLogNanos = new AtomicLong(Long.MIN_VALUE);

    public SessionQuotas(BrokerLimits.Quotas limits) {
        this.limits = limits;
    }

    public BrokerLimits.Quotas limits() {
        return limits;
    }

    /** Takes {@code n} bytes of the shared queue budget; false (nothing taken) when they do not fit. */
    public boolean reserveQueued(long n) {
        long now;
        do {
            now = queuedBytes.get();
            if (now + n > limits.maxTotalQueuedBytes()) {
                return false;
            }
        } while (!queuedBytes.compareAndSet(now, now + n));
        return true;
    }

    /** Counts bytes that are queued whatever the budget (restored from a saved state). */
    public void forceQueued(long n) {
        queuedBytes.addAndGet(n);
    }

    public void releaseQueued(long n) {
        queuedBytes.addAndGet(-n);
    }

    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** Whether another persistent session may start. */
    public boolean persistentSessionAvailable() {
        return persistentSessions.get() < limits.maxPersistentSessions();
    }

    /** A session became persistent (+1) or stopped being so (-1). */
    public void persistentSessionChanged(int delta) {
        persistentSessions.addAndGet(delta);
    }

    public int persistentSessions() {
        return persistentSessions.get();
    }

    /** Takes one subscription of the total; false when the total is reached. */
    public boolean addSubscription() {
        if (subscriptions.incrementAndGet() > limits.maxSubscriptions()) {
            subscriptions.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Counts a subscription whatever the bound (restored from a saved state). */
    public void forceSubscription() {
        subscriptions.incrementAndGet();
    }

    public void removeSubscriptions(int n) {
        subscriptions.addAndGet(-n);
    }

    public int subscriptions() {
        return subscriptions.get();
    }

    /** True at most once per 10 s: quota refusals are logged that often, so a client cannot flood the journal. */
    public boolean shouldLog() {
        long now = System.nanoTime();
        long next = nextLogNanos.get();
        return (next == Long.MIN_VALUE || now - next >= 0)
                && nextLogNanos.compareAndSet(next, now + java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
    }
}
