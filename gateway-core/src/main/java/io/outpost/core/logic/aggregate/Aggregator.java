package io.outpost.core.logic.aggregate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.logic.ReadingFeed;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.MessageSink;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.time.Cancellable;
import io.outpost.core.time.TaskScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@code aggregates:} of a configuration: observes every published reading of the points it summarises,
 * closes their windows at each wall-clock boundary (multiples of the window length since midnight UTC) and hands
 * one message per point and window to the engine, the same hand-over as device readings. A boundary the gateway
 * slept through (a stalled clock, a suspended VM) closes every window it passed, each with what it saw.
 *
 * <p>State is confined to {@code serial}; observers and timers only hand over. Windows are in memory: a restart
 * starts a new, partial window (its {@code coverage} says how much it saw).
 */
public final class Aggregator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Aggregator.class);

    private final TaskScheduler scheduler;
    private final MessageSink sink;
    private final Executor serial;
    private final ReadingFeed feed;
    private final Map<PointRef, List<Window>> byPoint = new HashMap<>();
    private final Map<Duration, List<Window>> byLength = new LinkedHashMap<>();
    private final Map<Duration, Cancellable> timers = new HashMap<>();
    private final Counter dropped;
    /** Reading batches handed to {@code serial} and not yet taken, bounded by {@link #MAX_WAITING_BATCHES}. */
    private final AtomicInteger waiting = new AtomicInteger();
    static final int MAX_WAITING_BATCHES = 10_000;
    private AutoCloseable subscription;
    private boolean stopped;

    /** One point in one rule: its open window. */
    private static final class Window {
        final PointRef point;
        final AggregateRule rule;
        final MessageHeader header;
        WindowStats stats;

        Window(PointRef point, AggregateRule rule, String topic) {
            this.point = point;
            this.rule = rule;
            this.header = new MessageHeader(topic, rule.qos(), rule.retain(), MessageProperties.JSON,
                    Message.ORIGIN_GATEWAY);
        }
    }

    public Aggregator(AggregatesConfig config, ReadingFeed feed, TaskScheduler scheduler, MessageSink sink,
                      Executor serial, MeterRegistry meters) {
        this.feed = feed;
        this.scheduler = scheduler;
        this.sink = sink;
        this.serial = serial;
        for (AggregateRule rule : config.rules()) {
            rule.topics().forEach((ref, topic) -> {
                Window w = new Window(ref, rule, topic);
                byPoint.computeIfAbsent(ref, k -> new ArrayList<>()).add(w);
                byLength.computeIfAbsent(rule.every(), k -> new ArrayList<>()).add(w);
            });
        }
        this.dropped = Counter.builder("outpost.aggregates.dropped")
                .description("Reading batches the aggregator could not take (its thread far behind)").register(meters);
    }

    public boolean isEmpty() {
        return byPoint.isEmpty();
    }

    /** Opens the first windows (partial: from now) with the points' latest values, and starts observing. */
    public void start() {
        if (isEmpty()) {
            return;
        }
        serial.execute(() -> {
            long now = scheduler.clock().millis();
            byLength.forEach((every, windows) -> {
                long start = Math.floorDiv(now, every.toMillis()) * every.toMillis();
                for (Window w : windows) {
                    Double carried = feed.latest(w.point).filter(Sample::hasValue)
                            .filter(s -> s.value().isNumeric() && s.quality().status() != Quality.Status.BAD)
                            .map(s -> s.value().asDouble()).orElse(null);
                    w.stats = new WindowStats(start, start + every.toMillis(), carried, now);
                }
                scheduleBoundary(every, start + every.toMillis());
            });
            subscription = feed.subscribe(this::observe);
        });
    }

    private void observe(List<Sample> samples) {
        List<Sample> mine = null;
        for (Sample s : samples) {
            if (byPoint.containsKey(s.point())) {
                if (mine == null) {
                    mine = new ArrayList<>();
                }
                mine.add(s);
            }
        }
        if (mine == null) {
            return;
        }
        List<Sample> batch = mine;
        if (waiting.incrementAndGet() > MAX_WAITING_BATCHES) {
            // Bounded: when far behind, a batch is dropped and counted; its windows report fewer readings.
            waiting.decrementAndGet();
            dropped.increment();
            return;
        }
        serial.execute(() -> {
            waiting.decrementAndGet();
            batch.forEach(this::add);
        });
    }

    private void add(Sample s) {
        if (stopped) {
            return;
        }
        for (Window w : byPoint.get(s.point())) {
            if (w.stats != null) {
                w.stats.add(s);
            }
        }
    }

    private void scheduleBoundary(Duration every, long boundaryMillis) {
        long delayMillis = Math.max(0, boundaryMillis - scheduler.clock().millis());
        timers.put(every, scheduler.schedule(Duration.ofMillis(delayMillis),
                () -> serial.execute(() -> boundary(every))));
    }

    /** Closes every window of this length that ended by now, publishes them, and waits for the next boundary. */
    private void boundary(Duration every) {
        if (stopped) {
            return;
        }
        long now = scheduler.clock().millis();
        long length = every.toMillis();
        List<Message> out = new ArrayList<>();
        for (Window w : byLength.get(every)) {
            while (w.stats.end() <= now) {
                WindowStats.Result r = w.stats.close();
                out.add(Message.of(w.header, AggregatePayload.render(r, w.rule.functions()), now));
                w.stats = new WindowStats(r.end(), r.end() + length, r.carry(), r.end());
            }
        }
        if (!out.isEmpty()) {
            sink.publish(out).whenComplete((ok, error) -> {
                if (error != null) {
                    LOG.warn("{} aggregate(s) of {} windows were not accepted: {}", out.size(), every, error.toString());
                }
            });
        }
        long next = Math.floorDiv(now, length) * length + length;
        scheduleBoundary(every, next);
    }

    @Override
    public void close() {
        serial.execute(() -> {
            stopped = true;
            timers.values().forEach(Cancellable::cancel);
            if (subscription != null) {
                try {
                    subscription.close();
                } catch (Exception e) {
                    LOG.warn("aggregates: could not stop observing readings", e);
                }
            }
        });
    }
}
