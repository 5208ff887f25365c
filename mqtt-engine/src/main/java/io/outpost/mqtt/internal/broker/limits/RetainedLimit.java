package io.outpost.mqtt.internal.broker.limits;

import io.outpost.core.message.Message;
import io.outpost.mqtt.internal.broker.sys.SysTopics;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on retained messages ({@code limits.max-retained-messages} and {@code max-retained-bytes}): what clients
 * and upstreams can make the broker keep in memory and in {@code state.bin}. A retained message of theirs that would
 * make a new retained topic beyond the count, or grow their total beyond the bytes, is not retained. The gateway's
 * own messages (point values, statuses, {@code $SYS}) are neither bounded nor counted: their number is set by the
 * configuration, and a subscriber must always get a point's last value.
 *
 * <p>The retained store calls {@link #admit} and {@link #removed} under its lock; {@link #admits} may be called from
 * any thread to refuse a client's PUBLISH before it is accepted (a race with other publishers can still make the
 * store refuse it: then it is routed but not retained, and counted).
 */
public final class RetainedLimit {

    /** Bytes a retained message is counted for beyond its topic and payload. */
    static final int OVERHEAD = 64;

    private final long maxMessages;
    private final long maxBytes;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Runnable onRefused;

    /** @param onRefused told of each message the store did not keep (for the metric) */
    public RetainedLimit(long maxMessages, long maxBytes, Runnable onRefused) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.onRefused = onRefused;
    }

    /** No bound (in-process tests of the store). */
    public static RetainedLimit unbounded() {
        return new RetainedLimit(Long.MAX_VALUE, Long.MAX_VALUE, () -> { });
    }

    /** Whether {@code next} may replace {@code previous} (null: the topic holds nothing yet); counts nothing. */
    public boolean admits(Message previous, Message next) {
        if (exempt(next)) {
            return true;
        }
        if (!counted(previous) && messages.get() >= maxMessages) {
            return false;
        }
        long grows = size(next) - (counted(previous) ? size(previous) : 0);
        return grows <= 0 || bytes.get() + grows <= maxBytes;
    }

    /** Counts {@code next} in place of {@code previous} when admitted; counts a refusal otherwise. Under the store's lock. */
    public boolean admit(Message previous, Message next) {
        if (!admits(previous, next)) {
            refused.incrementAndGet();
            onRefused.run();
            return false;
        }
        if (counted(previous)) {
            removed(previous);
        }
        if (counted(next)) {
            messages.incrementAndGet();
            bytes.addAndGet(size(next));
        }
        return true;
    }

    /** A retained message left the store (cleared, expired, replaced). Under the store's lock. */
    public void removed(Message m) {
        if (counted(m)) {
            messages.decrementAndGet();
            bytes.addAndGet(-size(m));
        }
    }

    /** Retained messages of clients and upstreams. */
    public long messages() {
        return messages.get();
    }

    public long bytes() {
        return bytes.get();
    }

    /** Retained messages not kept because of the bound. */
    public long refused() {
        return refused.get();
    }

    private static boolean counted(Message m) {
        return m != null && !exempt(m);
    }

    /** The gateway's own messages (point values, statuses, $SYS): never bounded nor counted. */
    public static boolean exempt(Message m) {
        return Message.ORIGIN_GATEWAY.equals(m.origin()) || SysTopics.ORIGIN.equals(m.origin())
                || m.topic().startsWith("$");
    }

    static long size(Message m) {
        return m.payload().length + m.topic().length() + OVERHEAD;
    }
}
