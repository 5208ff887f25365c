package io.outpost.mqtt.internal.bridge.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.mqtt.internal.bridge.budget.ByteBudget;
import io.outpost.mqtt.internal.bridge.client.LinkBytes;
import io.outpost.mqtt.internal.bridge.client.LinkState;
import io.outpost.mqtt.internal.bridge.store.SegmentStore;
import io.outpost.mqtt.internal.bridge.store.StoreStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * One upstream's meters (tag {@code upstream}): counters bumped as things happen, rates folded once a second, and
 * gauges that read the latest {@link UpstreamStatus}. Counters may be bumped from any thread.
 *
 * <pre>
 * outpost.bridge.messages.accepted / .sent{kind=live|replay} / .acked / .dropped{reason}   counters
 * outpost.bridge.reconnects, outpost.bridge.stalls                                         counters
 * outpost.bridge.state{state}  1 for the current state     outpost.bridge.queued.messages / .bytes
 * outpost.bridge.store.bytes   outpost.bridge.queued.oldest.seconds   outpost.bridge.inflight
 * outpost.bridge.store.queue.bytes / .store.bytes.per.message  gauges; .store.disk.reads / .store.tail.dropped  counters
 * outpost.bridge.ack.rate   outpost.bridge.replay.rate   outpost.bridge.autonomy.hours (+Inf: no inflow)
 * outpost.uplink.bytes{direction=sent|received} / outpost.uplink.point.updates             counters
 * outpost.uplink.handshake.bytes{direction}  of the above: connection attempts' TCP handshakes (estimated)
 * outpost.bridge.response.time.seconds (smoothed, measured)   outpost.bridge.stall.timeout.seconds (in force)
 * outpost.uplink.bytes.per.point.update   gauge: (bytes sent + received) / point updates sent
 * outpost.uplink.budget.used.bytes / .budget.limit.bytes / .budget.state (0 normal, 1 low, 2 exhausted)  gauges
 * </pre>
 */
public final class UpstreamMetrics {

    private final String upstream;
    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Counter accepted;
    private final Counter sentLive;
    private final Counter sentReplay;
    private final Counter acked;
    private final Counter reconnects;
    private final Counter stalls;
    private final Counter pointUpdates;
    private final LinkBytes bytes;
    private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();
    private final Map<String, Counter> droppedCounters = new ConcurrentHashMap<>();
    private final RateMeter ackRate = new RateMeter(10);
    private final RateMeter replayRate = new RateMeter(10);
    private final RateMeter inflowRate = new RateMeter(10);
    private final RateMeter inflowBytes = new RateMeter(300);
    private volatile UpstreamStatus status;

    public UpstreamMetrics(String upstream, MeterRegistry registry, LinkBytes bytes) {
        this.upstream = upstream;
        this.bytes = bytes;
        this.registry = registry;
        this.tags = Tags.of("upstream", upstream);
        this.accepted = counter("outpost.bridge.messages.accepted", "messages stored for this upstream", Tags.empty());
        this.sentLive = counter("outpost.bridge.messages.sent", "messages sent the first time", Tags.of("kind", "live"));
        this.sentReplay = counter("outpost.bridge.messages.sent", "messages sent the first time", Tags.of("kind", "replay"));
        this.acked = counter("outpost.bridge.messages.acked", "messages the upstream acknowledged", Tags.empty());
        this.reconnects = counter("outpost.bridge.reconnects", "connections lost", Tags.empty());
        this.stalls = counter("outpost.bridge.stalls", "links declared stalled", Tags.empty());
        this.pointUpdates = counter("outpost.uplink.point.updates", "point updates in the messages sent", Tags.empty());
        meters.add(FunctionCounter.builder("outpost.uplink.bytes", bytes, LinkBytes::sent).baseUnit("bytes")
                .description("bytes written to the upstream's sockets (MQTT and TLS)").tags(tags.and("direction", "sent"))
                .register(registry));
        meters.add(FunctionCounter.builder("outpost.uplink.bytes", bytes, LinkBytes::received).baseUnit("bytes")
                .description("bytes read from the upstream's sockets").tags(tags.and("direction", "received"))
                .register(registry));
        meters.add(FunctionCounter.builder("outpost.uplink.handshake.bytes", bytes, LinkBytes::handshakeSent)
                .baseUnit("bytes").description("of the bytes sent: TCP handshakes of connection attempts (estimated)")
                .tags(tags.and("direction", "sent")).register(registry));
        meters.add(FunctionCounter.builder("outpost.uplink.handshake.bytes", bytes, LinkBytes::handshakeReceived)
                .baseUnit("bytes").description("of the bytes received: TCP handshakes of connection attempts (estimated)")
                .tags(tags.and("direction", "received")).register(registry));
        meters.add(Gauge.builder("outpost.uplink.bytes.per.point.update", this, UpstreamMetrics::bytesPerPointUpdate)
                .description("link bytes (sent and received) per point update sent").tags(tags)
                .strongReference(true).register(registry));
        for (LinkState s : LinkState.values()) {
            gauge("outpost.bridge.state", Tags.of("state", s.text()), st -> st.state().equals(s.text()) ? 1 : 0);
        }
        gauge("outpost.bridge.queued.messages", Tags.empty(), UpstreamStatus::queuedMessages);
        gauge("outpost.bridge.queued.bytes", Tags.empty(), UpstreamStatus::queuedBytes);
        gauge("outpost.bridge.store.bytes", Tags.empty(), UpstreamStatus::storeBytes);
        gauge("outpost.bridge.queued.oldest.seconds", Tags.empty(), UpstreamStatus::oldestQueuedSeconds);
        gauge("outpost.bridge.inflight", Tags.empty(), UpstreamStatus::inflight);
        gauge("outpost.bridge.ack.rate", Tags.empty(), UpstreamStatus::ackRate);
        gauge("outpost.bridge.replay.rate", Tags.empty(), UpstreamStatus::replayRate);
        gauge("outpost.bridge.autonomy.hours", Tags.empty(), UpstreamStatus::autonomyHours);
    }

    /**
     * Registers the gauges of the hand-offs of the store (the writer's queue, the tail of live records, the records
     * read back from disk) and what a queued message takes on disk.
     */
    public void store(SegmentStore store) {
        meters.add(Gauge.builder("outpost.bridge.store.queue.bytes", store, SegmentStore::queuedBytes).baseUnit("bytes")
                .description("appends waiting for the store's writer (bounded: beyond 64 MB they are refused, store-busy)")
                .tags(tags).strongReference(true).register(registry));
        meters.add(FunctionCounter.builder("outpost.bridge.store.disk.reads", store, SegmentStore::diskReads)
                .description("records read back from the queue's files (a backlog); live records go to the sender in memory")
                .tags(tags).register(registry));
        meters.add(FunctionCounter.builder("outpost.bridge.store.tail.dropped", store, SegmentStore::tailDropped)
                .description("durable records that left the in-memory tail before the sender took them (read from disk later)")
                .tags(tags).register(registry));
        meters.add(Gauge.builder("outpost.bridge.store.bytes.per.message", store, s -> {
            StoreStats st = s.stats();
            return st.messages() == 0 ? 0 : (double) st.bytes() / st.messages();
        }).description("bytes a queued message takes in the queue's files (readings of a poll share a record)")
                .tags(tags).strongReference(true).register(registry));
    }

    /** Registers the gauges of the link's measured response time and the stall timeout derived from it. */
    public void responseTimes(io.outpost.mqtt.internal.bridge.client.ResponseTimes times) {
        meters.add(Gauge.builder("outpost.bridge.response.time.seconds", times, t -> t.srttNanos() / 1e9)
                .description("smoothed time the upstream takes to acknowledge (0 before the first measurement)")
                .tags(tags).register(registry));
        meters.add(Gauge.builder("outpost.bridge.stall.timeout.seconds", times, t -> t.stallTimeoutNanos(0) / 1e9)
                .description("no acknowledgement for this long with messages in flight: the link is stalled")
                .tags(tags).register(registry));
    }

    /** Registers the byte budget's gauges (an upstream with a budget). */
    public void budget(ByteBudget budget) {
        meters.add(Gauge.builder("outpost.uplink.budget.used.bytes", budget, ByteBudget::used).baseUnit("bytes")
                .description("bytes moved this budget period (sent and received)").tags(tags).register(registry));
        meters.add(Gauge.builder("outpost.uplink.budget.limit.bytes", budget, ByteBudget::limit).baseUnit("bytes")
                .description("the byte budget per period").tags(tags).register(registry));
        meters.add(Gauge.builder("outpost.uplink.budget.state", budget, b -> b.state().level())
                .description("0 normal, 1 low (telemetry thinned), 2 exhausted (only kept classes sent)").tags(tags)
                .register(registry));
    }

    private Counter counter(String name, String description, Tags extra) {
        Counter c = Counter.builder(name).description(description).tags(tags.and(extra)).register(registry);
        meters.add(c);
        return c;
    }

    private void gauge(String name, Tags extra, ToDoubleFunction<UpstreamStatus> value) {
        meters.add(Gauge.builder(name, this, m -> m.status == null ? 0 : value.applyAsDouble(m.status))
                .tags(tags.and(extra)).strongReference(true).register(registry));
    }

    /** Messages the forwarder handed to the store and the store made durable. */
    public void accepted(long messages) {
        accepted.increment(messages);
        inflowRate.mark(messages);
    }

    /** Bytes the store's writer wrote for new messages (the rate the store fills at: the autonomy estimate's). */
    public void stored(long bytes) {
        inflowBytes.mark(bytes);
    }

    public void sent(boolean replay, int updates) {
        (replay ? sentReplay : sentLive).increment();
        pointUpdates.increment(updates);
        if (replay) {
            replayRate.mark(1);
        }
    }

    public void acknowledged() {
        acked.increment();
        ackRate.mark(1);
    }

    public void reconnected() {
        reconnects.increment();
    }

    public void stalled() {
        stalls.increment();
    }

    /** Messages dropped or refused, by reason (see {@code docs/bridge.md}). */
    public void dropped(String reason, long messages) {
        dropped.computeIfAbsent(reason, k -> new AtomicLong()).addAndGet(messages);
        droppedCounters.computeIfAbsent(reason, r -> counter("outpost.bridge.messages.dropped",
                "messages dropped or refused", Tags.of("reason", r))).increment(messages);
    }

    public Map<String, Long> droppedSoFar() {
        Map<String, Long> out = new TreeMap<>();
        dropped.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long sentTotal() {
        return (long) (sentLive.count() + sentReplay.count());
    }

    public long pointUpdatesTotal() {
        return (long) pointUpdates.count();
    }

    public long bytesSent() {
        return bytes.sent();
    }

    public long bytesReceived() {
        return bytes.received();
    }

    /** Link bytes per point update sent so far; NaN before the first. */
    public double bytesPerPointUpdate() {
        return UpstreamStatus.bytesPerPointUpdate(bytes.sent(), bytes.received(), pointUpdatesTotal());
    }

    public long ackedTotal() {
        return (long) acked.count();
    }

    public long reconnectsTotal() {
        return (long) reconnects.count();
    }

    public long stallsTotal() {
        return (long) stalls.count();
    }

    /** Folds the rates; called once a second by the upstream. */
    public void updateRates(long nowNanos) {
        ackRate.update(nowNanos);
        replayRate.update(nowNanos);
        inflowRate.update(nowNanos);
        inflowBytes.update(nowNanos);
    }

    public double ackRate() {
        return ackRate.rate();
    }

    public double replayRate() {
        return replayRate.rate();
    }

    public double inflowRate() {
        return inflowRate.rate();
    }

    /** Bytes per second into the store, smoothed over minutes: the rate autonomy is estimated at. */
    public double inflowBytesRate() {
        return inflowBytes.rate();
    }

    public void publish(UpstreamStatus s) {
        this.status = s;
    }

    public UpstreamStatus status() {
        return status;
    }

    public String upstream() {
        return upstream;
    }

    /** Removes this upstream's meters (the upstream is closed). */
    public void close() {
        meters.forEach(registry::remove);
    }
}
