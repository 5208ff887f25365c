package io.outpost.mqtt.internal.broker.stats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The broker's counters, shared by the Micrometer meters ({@code outpost.broker.*}) and the {@code $SYS} topics.
 * Thread-safe; counting costs a {@link LongAdder} increment.
 */
public final class BrokerStats {

    /** Why a message was not delivered to a subscriber, or not accepted from a publisher. */
    public enum Drop {
        /** A slow subscriber's queue was full (QoS 0 dropped first; then QoS 1/2 of offline sessions). */
        QUEUE_FULL,
        /** QoS 0 for a session whose client is not connected. */
        OFFLINE_QOS0,
        /** The message expired (MQTT 5 message expiry) before it could be sent. */
        EXPIRED,
        /** Larger than the client's Maximum Packet Size. */
        TOO_LARGE_FOR_CLIENT,
        /** Refused by the ACL. */
        NOT_AUTHORIZED,
        /** A forwarder (the bridge's durable store) refused it. */
        REJECTED,
        /** The broker-wide budget of queued bytes ({@code max-total-queued-bytes}) was used up. */
        TOTAL_QUEUE_FULL,
        /** An MQTT 3.1.1 PUBLISH to a {@code $} topic, acknowledged and dropped. */
        DOLLAR_TOPIC
    }

    /** A broker-wide bound that refused something (see {@code BrokerLimits.Quotas}). */
    public enum Quota {
        /** A retained message not kept ({@code max-retained-messages}, {@code max-retained-bytes}). */
        RETAINED,
        /** A new persistent session refused ({@code max-persistent-sessions}). */
        PERSISTENT_SESSIONS,
        /** A subscription refused ({@code max-subscriptions-per-client}, {@code max-subscriptions}). */
        SUBSCRIPTIONS
    }

    private final MeterRegistry meters;
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final AtomicInteger connections = new AtomicInteger();
    private final Counter slowDisconnects;
    private final Counter malformed;
    private final Counter authFailures;
    private final Counter connectionsRefused;
    private final Map<Drop, Counter> drops = new ConcurrentHashMap<>();
    private final Map<Drop, LongAdder> dropTotals = new ConcurrentHashMap<>();
    private final Map<Quota, Counter> quotaRefusals = new ConcurrentHashMap<>();
    private final Counter originRefused;
    private final Map<CloseReason, Counter> closes = new ConcurrentHashMap<>();
    private final LongAdder pausedReads = new LongAdder();

    public BrokerStats(MeterRegistry meters) {
        this.meters = meters;
        FunctionCounter.builder("outpost.broker.messages.received", messagesReceived, LongAdder::doubleValue)
                .description("PUBLISH packets accepted from clients and in-process publishers").register(meters);
        FunctionCounter.builder("outpost.broker.messages.sent", messagesSent, LongAdder::doubleValue)
                .description("PUBLISH packets sent to clients").register(meters);
        FunctionCounter.builder("outpost.broker.bytes.received", bytesReceived, LongAdder::doubleValue)
                .baseUnit("bytes").register(meters);
        FunctionCounter.builder("outpost.broker.bytes.sent", bytesSent, LongAdder::doubleValue)
                .baseUnit("bytes").register(meters);
        Gauge.builder("outpost.broker.connections", connections, AtomicInteger::get)
                .description("open network connections").register(meters);
        slowDisconnects = Counter.builder("outpost.broker.slow.disconnects")
                .description("clients disconnected because their queue overflowed with QoS 1/2 messages").register(meters);
        malformed = Counter.builder("outpost.broker.malformed")
                .description("connections closed for a malformed, oversized or out-of-protocol packet").register(meters);
        authFailures = Counter.builder("outpost.broker.auth.failures")
                .description("CONNECTs refused for bad credentials or missing authorization").register(meters);
        connectionsRefused = Counter.builder("outpost.broker.connections.refused")
                .description("connections refused because max-connections was reached").register(meters);
        FunctionCounter.builder("outpost.broker.read.pauses", pausedReads, LongAdder::doubleValue)
                .description("times a publisher's socket stopped being read: over its inflight limit (MQTT 3.1.1), or "
                        + "feeding a subscriber whose queue is past its bound").register(meters);
        for (Drop d : Drop.values()) {
            dropTotals.put(d, new LongAdder());
        }
        for (Quota q : Quota.values()) {
            quotaRefusals.put(q, Counter.builder("outpost.broker.quota.refused")
                    .tag("quota", q.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                    .description("what a broker-wide bound refused (retained messages, persistent sessions, subscriptions)")
                    .register(meters));
        }
        originRefused = Counter.builder("outpost.broker.websocket.origin.refused")
                .description("WebSocket handshakes refused because the page's Origin is not allowed").register(meters);
    }

    public void quotaRefused(Quota q) {
        quotaRefusals.get(q).increment();
    }

    public double quotaRefusals(Quota q) {
        return quotaRefusals.get(q).count();
    }

    public void originRefused() {
        originRefused.increment();
    }

    /** Registers a gauge that another part of the broker owns (sessions, subscriptions, retained messages). */
    public void gauge(String name, String description, IntSupplier value) {
        // Strong: the supplier is usually a method reference nobody else holds, and a weakly held one reads NaN
        // after the next garbage collection.
        Gauge.builder(name, value, v -> v.getAsInt()).strongReference(true).description(description).register(meters);
    }

    public void received(int messages) {
        messagesReceived.add(messages);
    }

    public void sent() {
        messagesSent.increment();
    }

    public void bytesIn(long n) {
        bytesReceived.add(n);
    }

    public void bytesOut(long n) {
        bytesSent.add(n);
    }

    public void connectionOpened() {
        connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    public void dropped(Drop why) {
        drops.computeIfAbsent(why, d -> Counter.builder("outpost.broker.dropped")
                .tag("reason", d.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                .description("messages not delivered or not accepted, by reason").register(meters)).increment();
        dropTotals.get(why).increment();
    }

    /** A client's connection ended, for {@code reason}. */
    public void closed(CloseReason reason) {
        closes.computeIfAbsent(reason, r -> Counter.builder("outpost.broker.connections.closed")
                .tag("reason", r.text()).description("client connections ended, by reason").register(meters)).increment();
    }

    /** Connections closed for {@code reason} so far. */
    public long closedFor(CloseReason reason) {
        Counter c = closes.get(reason);
        return c == null ? 0 : (long) c.count();
    }

    /** A publisher's reading was paused (its inflight limit, or a subscriber it feeds falling behind). */
    public void readPaused() {
        pausedReads.increment();
    }

    public long readPauses() {
        return pausedReads.sum();
    }

    public void slowDisconnect() {
        slowDisconnects.increment();
    }

    public void malformed() {
        malformed.increment();
    }

    public void authFailure() {
        authFailures.increment();
    }

    public void connectionRefused() {
        connectionsRefused.increment();
    }

    public long messagesReceived() {
        return messagesReceived.sum();
    }

    public long messagesSent() {
        return messagesSent.sum();
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public int connections() {
        return connections.get();
    }

    public long dropped() {
        return dropTotals.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long droppedFor(Drop why) {
        return dropTotals.get(why).sum();
    }

    public long slowDisconnects() {
        return (long) slowDisconnects.count();
    }
}
