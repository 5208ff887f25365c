package io.outpost.core.logic.aggregate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.config.Durations;
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
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@code aggregates:} of a configuration: observes every published reading of the points it summarises,
 * closes their windows at each wall-clock boundary (multiples of the window length since midnight UTC) and hands
 * one message per point and window to the engine, the same hand-over as device readings. A boundary the gateway
 * slept through (a stalled clock, a suspended VM) closes every window it passed, each with what it saw.
 *
 * <p>State is confined to {@code serial}; observers and timers only hand over. With a state file, the open windows
 * are saved every {@link #CHECKPOINT_EVERY}, after each boundary and at {@link #close}, and taken up again at
 * {@link #start}: a restart (or a reload that kept the rule) inside a window publishes one window with the readings
 * from before and after it, the time the gateway did not see the point being a gap (lower {@code coverage}); a window
 * that ended while the gateway was down is published at the start with what it saw. A crash loses what came after
 * the last save (a gap too); a crash in the few milliseconds between a boundary's publication and its save can
 * publish that window again at the start, with what the last save had (consumers key windows by {@code start}).
 */
public final class Aggregator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Aggregator.class);
    /** How often the open windows are saved besides at boundaries and at the stop: what a crash can lose. */
    static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(10);

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
    /** Null: windows live in memory only. */
    private final AggregateStateFile stateFile;
    private final Executor saver;
    /** The latest snapshot waiting for {@code saver}; one write at a time, a newer snapshot replaces a waiting one. */
    private final AtomicReference<List<Map.Entry<AggregateStateFile.Key, WindowStats.State>>> toSave =
            new AtomicReference<>();
    private final Object fileLock = new Object();
    /** Set under {@link #fileLock} once the last state is written at close: no older snapshot may overwrite it. */
    private boolean finalWritten;
    private Cancellable checkpointTimer = Cancellable.NONE;

    /** One point in one rule: its open window. */
    private static final class Window {
        final PointRef point;
        final AggregateRule rule;
        final MessageHeader header;
        final AggregateStateFile.Key key;
        WindowStats stats;

        Window(PointRef point, AggregateRule rule, String topic) {
            this.point = point;
            this.rule = rule;
            this.key = new AggregateStateFile.Key(point, rule.every().toMillis(), topic);
            this.header = new MessageHeader(topic, rule.qos(), rule.retain(), MessageProperties.JSON,
                    Message.ORIGIN_GATEWAY);
        }
    }

    /** Windows in memory only: a restart starts new, partial windows. */
    public Aggregator(AggregatesConfig config, ReadingFeed feed, TaskScheduler scheduler, MessageSink sink,
                      Executor serial, MeterRegistry meters) {
        this(config, feed, scheduler, sink, serial, meters, null, Runnable::run);
    }

    /**
     * @param stateFile where the open windows are kept across restarts
     * @param saver     runs the state file's writes (may block on the disk; one at a time)
     */
    public Aggregator(AggregatesConfig config, ReadingFeed feed, TaskScheduler scheduler, MessageSink sink,
                      Executor serial, MeterRegistry meters, AggregateStateFile stateFile, Executor saver) {
        this.stateFile = stateFile;
        this.saver = saver;
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
            Map<AggregateStateFile.Key, WindowStats.State> saved = stateFile == null ? Map.of() : stateFile.load();
            List<Message> ended = new ArrayList<>();
            int restored = 0;
            byLength.forEach((every, windows) -> {
                long start = Math.floorDiv(now, every.toMillis()) * every.toMillis();
                for (Window w : windows) {
                    WindowStats.State kept = saved.get(w.key);
                    if (kept != null && kept.end() <= now) {
                        // Ended while the gateway was down: published now, with what it saw.
                        WindowStats.Result r = WindowStats.restore(kept, kept.end(), null).close();
                        ended.add(Message.of(w.header, AggregatePayload.render(r, w.rule.functions()), now));
                    }
                    Double carried = feed.latest(w.point).filter(Sample::hasValue)
                            .filter(s -> s.value().isNumeric() && s.quality().status() != Quality.Status.BAD)
                            .map(s -> s.value().asDouble()).orElse(null);
                    w.stats = kept != null && kept.start() == start ? WindowStats.restore(kept, now, carried)
                            : new WindowStats(start, start + every.toMillis(), carried, now);
                }
                scheduleBoundary(every, start + every.toMillis());
            });
            for (List<Window> ws : byPoint.values()) {
                for (Window w : ws) {
                    WindowStats.State kept = saved.get(w.key);
                    restored += kept != null && kept.start() == w.stats.start() ? 1 : 0;
                }
            }
            if (!saved.isEmpty()) {
                LOG.info("aggregates: {} open window(s) taken up from {}, {} that ended while the gateway was down"
                        + " published, {} of rules no longer configured dropped", restored, stateFile.path(),
                        ended.size(), saved.keySet().stream().filter(k -> byPoint.getOrDefault(k.point(), List.of())
                                .stream().noneMatch(w -> w.key.equals(k))).count());
            }
            publish(ended, "restored");
            if (!ended.isEmpty()) {
                // Saved at once, so that another restart does not publish them again.
                requestSave(snapshot());
            }
            subscription = feed.subscribe(this::observe);
            scheduleCheckpoint();
        });
    }

    private void scheduleCheckpoint() {
        if (stateFile != null) {
            checkpointTimer = scheduler.schedule(CHECKPOINT_EVERY, () -> serial.execute(() -> {
                if (!stopped) {
                    requestSave(snapshot());
                    scheduleCheckpoint();
                }
            }));
        }
    }

    /** The open windows, counted up to now. On {@code serial}. */
    private List<Map.Entry<AggregateStateFile.Key, WindowStats.State>> snapshot() {
        long now = scheduler.clock().millis();
        List<Map.Entry<AggregateStateFile.Key, WindowStats.State>> out = new ArrayList<>();
        for (List<Window> ws : byPoint.values()) {
            for (Window w : ws) {
                if (w.stats != null) {
                    out.add(Map.entry(w.key, w.stats.checkpoint(now)));
                }
            }
        }
        return out;
    }

    private void requestSave(List<Map.Entry<AggregateStateFile.Key, WindowStats.State>> snapshot) {
        if (stateFile != null && toSave.getAndSet(snapshot) == null) {
            saver.execute(() -> {
                List<Map.Entry<AggregateStateFile.Key, WindowStats.State>> latest = toSave.getAndSet(null);
                if (latest != null) {
                    write(latest, false);
                }
            });
        }
    }

    private void write(List<Map.Entry<AggregateStateFile.Key, WindowStats.State>> windows, boolean last) {
        synchronized (fileLock) {
            if (finalWritten) {
                return;
            }
            finalWritten = last;
            try {
                stateFile.save(windows);
            } catch (IOException | RuntimeException e) {
                LOG.error("cannot write the open aggregation windows to {}; a restart now would start them afresh",
                        stateFile.path(), e);
            }
        }
    }

    private void publish(List<Message> out, String what) {
        if (!out.isEmpty()) {
            sink.publish(out).whenComplete((ok, error) -> {
                if (error != null) {
                    LOG.warn("{} {} aggregate(s) were not accepted: {}", out.size(), what, error.toString());
                }
            });
        }
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
        publish(out, Durations.format(every));
        if (!out.isEmpty()) {
            // Saved at once, so that a restart does not publish a closed window again.
            requestSave(snapshot());
        }
        long next = Math.floorDiv(now, length) * length + length;
        scheduleBoundary(every, next);
    }

    /** Stops; with a state file, blocks until the open windows are written (at most 10 s). */
    @Override
    public void close() {
        CompletableFuture<List<Map.Entry<AggregateStateFile.Key, WindowStats.State>>> last = new CompletableFuture<>();
        serial.execute(() -> {
            if (stopped) {
                last.complete(null);
                return;
            }
            stopped = true;
            timers.values().forEach(Cancellable::cancel);
            checkpointTimer.cancel();
            if (subscription != null) {
                try {
                    subscription.close();
                } catch (Exception e) {
                    LOG.warn("aggregates: could not stop observing readings", e);
                }
            }
            last.complete(stateFile == null || isEmpty() ? null : snapshot());
        });
        if (stateFile == null || isEmpty()) {
            return;
        }
        try {
            List<Map.Entry<AggregateStateFile.Key, WindowStats.State>> windows = last.get(10, TimeUnit.SECONDS);
            if (windows != null) {
                write(windows, true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("aggregates: the open windows were not saved at the stop (the last save stands)", e);
        }
    }
}
