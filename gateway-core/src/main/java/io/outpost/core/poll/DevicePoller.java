package io.outpost.core.poll;

import io.outpost.core.time.JitteredBackoff;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.logic.ReadingObserver;
import io.outpost.core.message.Message;
import io.outpost.core.message.PayloadFormat;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.report.LiveValues;
import io.outpost.core.report.PointState;
import io.outpost.core.report.ReportFilter;
import io.outpost.core.spi.DeviceAdapter;
import io.outpost.core.spi.DeviceException;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.core.time.Cancellable;
import io.outpost.core.time.TaskScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's loop for one device: reads due points in batches on a drift-free schedule, gives up on a read after
 * the device timeout, marks points bad with the failure's reason, retries with jittered exponential backoff,
 * recovers, and passes readings through report-by-exception to the output: one list of messages per poll. Pushed
 * values and writes go through the same place. When the output is saturated (the engine is behind), polls are
 * skipped rather than read and dropped, and the device status says so ({@code backpressure}) until polling resumes.
 *
 * <p>All state is confined to {@code serial}, the device's serial executor; public methods may be called from
 * any thread.
 */
public final class DevicePoller {

    private static final Logger LOG = LoggerFactory.getLogger(DevicePoller.class);
    /** The device status reason while polls are skipped because the engine is behind. */
    public static final String BACKPRESSURE = "backpressure";

    private final DeviceConfig device;
    private final DeviceAdapter adapter;
    private final TaskScheduler scheduler;
    private final Executor serial;
    private final DeviceOutput output;
    private final JitteredBackoff backoff;
    private final PollMetrics metrics;
    private final Map<String, PointState> points = new HashMap<>();
    private final PollSchedule schedule;
    private final ReadingObserver observer;
    /** The accepted readings of the current poll, for {@link #observer}; serial executor only, reused. */
    private final List<Sample> observed = new ArrayList<>();
    private final ConcurrentLinkedQueue<Sample> pushedSamples = new ConcurrentLinkedQueue<>();
    /** Pushed values waiting for the serial executor, bounded by {@link #maxPushed}. */
    private final AtomicInteger pushedWaiting = new AtomicInteger();
    private final int maxPushed;
    private final AtomicBoolean pushDrainScheduled = new AtomicBoolean();

    private Read inFlight;
    private int consecutiveFailures;
    private long readCount;
    private boolean heldBack;
    private long retryAtNanos = Long.MIN_VALUE;
    private Cancellable wakeup = Cancellable.NONE;
    private volatile DeviceStatus status;
    private boolean stopped;
    private volatile long lastAttemptNanos = Long.MIN_VALUE;
    private volatile long lastSuccessNanos = Long.MIN_VALUE;
    private volatile int failures;

    /** One read in progress. */
    private static final class Read {
        final List<PointConfig> points;
        final long startNanos;
        final long mark;
        Cancellable timeout = Cancellable.NONE;
        boolean timedOut;

        Read(List<PointConfig> points, long startNanos, long mark) {
            this.points = points;
            this.startNanos = startNanos;
            this.mark = mark;
        }
    }

    /**
     * @param formats the payload format of each point, by format name
     * @param live    the live table the device's points join (and leave when it stops)
     */
    public DevicePoller(DeviceConfig device, DeviceAdapter adapter, TaskScheduler scheduler, Executor serial,
                        DeviceOutput output, LiveValues live, Function<String, PayloadFormat> formats,
                        RandomGenerator random, io.micrometer.core.instrument.MeterRegistry meters,
                        long firstPollDelayNanos) {
        this(device, adapter, scheduler, serial, output, live, formats, random, meters, firstPollDelayNanos,
                ReadingObserver.NONE);
    }

    /** @param observer sees every accepted reading of a poll after its messages went to the output */
    public DevicePoller(DeviceConfig device, DeviceAdapter adapter, TaskScheduler scheduler, Executor serial,
                        DeviceOutput output, LiveValues live, Function<String, PayloadFormat> formats,
                        RandomGenerator random, io.micrometer.core.instrument.MeterRegistry meters,
                        long firstPollDelayNanos, ReadingObserver observer) {
        this.observer = observer;
        this.device = device;
        this.adapter = adapter;
        this.scheduler = scheduler;
        this.serial = serial;
        this.output = output;
        this.backoff = new JitteredBackoff(device.backoff(), random);
        this.metrics = new PollMetrics(meters, device.id());
        List<PointState> states = new ArrayList<>(device.points().size());
        for (PointConfig p : device.points()) {
            PointState state = new PointState(p, formats.apply(p.publication().format()));
            points.put(p.id(), state);
            states.add(state);
        }
        live.addDevice(device.id(), states);
        this.maxPushed = Math.max(10_000, 10 * states.size());
        this.schedule = new PollSchedule(device.points(), scheduler.nanoTime() + firstPollDelayNanos);
        this.status = new DeviceStatus(DeviceStatus.State.STARTING, "", now());
    }

    public DeviceConfig device() {
        return device;
    }

    /** Starts the adapter and the schedule. */
    public void start() {
        serial.execute(() -> {
            output.statusChanged(device, status);
            try {
                adapter.start();
            } catch (RuntimeException e) {
                LOG.error("device {}: adapter failed to start; its reads will fail and be retried", device.id(), e);
            }
            scheduleWakeup();
        });
    }

    /** Stops polling and closes the adapter; returns when both are done. */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        serial.execute(() -> {
            stopped = true;
            wakeup.cancel();
            if (inFlight != null) {
                inFlight.timeout.cancel();
            }
            try {
                adapter.close();
            } catch (RuntimeException e) {
                LOG.warn("device {}: adapter failed to close cleanly", device.id(), e);
            }
            setStatus(new DeviceStatus(DeviceStatus.State.STOPPED, "", now()));
            done.complete(null);
        });
        return done;
    }

    public DeviceStatus status() {
        return status;
    }

    /** A snapshot for health checks; any thread. */
    public DeviceActivity activity() {
        Duration minInterval = device.points().stream().map(PointConfig::pollInterval)
                .min(Duration::compareTo).orElse(device.pollInterval());
        Duration slowest = minInterval.compareTo(device.backoff().max()) > 0 ? minInterval : device.backoff().max();
        return new DeviceActivity(device.id(), status, lastAttemptNanos, lastSuccessNanos, failures,
                !device.points().isEmpty(), slowest.plus(device.timeout()));
    }

    // ------------------------------------------------------------------ adapter callbacks (any thread)

    /** A value the device pushed; batched with others that arrive before the serial executor gets to them. */
    public void push(Sample sample) {
        if (pushedWaiting.incrementAndGet() > maxPushed) {
            // A flood of pushed values the core cannot keep up with: memory stays bounded, the drop is counted.
            pushedWaiting.decrementAndGet();
            metrics.pushedDropped();
            return;
        }
        pushedSamples.add(sample);
        if (pushDrainScheduled.compareAndSet(false, true)) {
            serial.execute(this::drainPushed);
        }
    }

    public void setPushed(String pointId, boolean pushed) {
        serial.execute(() -> {
            if (schedule.setPushed(pointId, pushed, scheduler.nanoTime()) && !stopped) {
                scheduleWakeup();
            }
        });
    }

    /** What the adapter learned about a point (unit, name), kept with its live value; any thread. */
    public void describe(String pointId, Map<String, String> metadata) {
        PointState p = points.get(pointId);
        if (p != null) {
            p.describe(metadata);
        }
    }

    public void reportStatus(DeviceStatus newStatus) {
        serial.execute(() -> setStatus(newStatus));
    }

    /**
     * Writes a raw (device-typed, unscaled) value, with the device timeout; after success the point is read back
     * at once so that its new value is published.
     */
    public CompletionStage<Void> write(PointConfig point, Value raw) {
        return command(point, () -> adapter.write(point, raw));
    }

    /** Relinquishes a point ({@link DeviceAdapter#relinquish}), with the same timeout and read-back as a write. */
    public CompletionStage<Void> relinquish(PointConfig point) {
        return command(point, () -> adapter.relinquish(point));
    }

    private CompletionStage<Void> command(PointConfig point, Supplier<CompletionStage<Void>> send) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        serial.execute(() -> {
            if (stopped) {
                result.completeExceptionally(new DeviceException("stopped", "device " + device.id() + " is stopped"));
                return;
            }
            CompletionStage<Void> stage;
            try {
                stage = send.get();
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            Cancellable timeout = scheduler.schedule(device.timeout(), () -> result.completeExceptionally(
                    new DeviceException(Quality.TIMEOUT, "no answer within " + device.timeout().toMillis() + " ms")));
            stage.whenComplete((ok, error) -> {
                timeout.cancel();
                if (error != null) {
                    result.completeExceptionally(unwrap(error));
                } else {
                    result.complete(null);
                    serial.execute(() -> readBack(point));
                }
            });
        });
        return result;
    }

    // ------------------------------------------------------------------ the loop (serial executor only)

    private void tick() {
        if (stopped) {
            return;
        }
        long now = scheduler.nanoTime();
        publishHeartbeatsOfPushedPoints(now);
        boolean retry = consecutiveFailures > 0;
        if (retry ? now < retryAtNanos : schedule.nextDueNanos() > now) {
            scheduleWakeup();
            return;
        }
        if (inFlight != null) {
            // A read that timed out is still running in the adapter: do not queue another behind it.
            skip("busy", retry, now);
            return;
        }
        if (output.saturated()) {
            skip("backpressure", retry, now);
            if (!retry && !heldBack) {
                heldBack = true;
                LOG.warn("device {}: polls skipped: the gateway cannot deliver readings as fast as they are read "
                        + "(the upstream queue's disk or the local broker is behind)", device.id());
                setStatus(new DeviceStatus(DeviceStatus.State.ONLINE, BACKPRESSURE, now()));
            }
            return;
        }
        if (heldBack) {
            heldBack = false;
            LOG.info("device {}: polling resumes", device.id());
            setStatus(DeviceStatus.online(now()));
        }
        List<PointConfig> due = retry ? schedule.allPolled() : schedule.takeDue(now);
        if (due.isEmpty()) {
            // Every point went over to push while retrying: nothing is left to retry.
            consecutiveFailures = 0;
            scheduleWakeup();
            return;
        }
        startRead(due, now);
    }

    /** Lets this poll pass: due points move to their next slot, a pending retry waits another backoff period. */
    private void skip(String reason, boolean retry, long now) {
        metrics.skipped(reason);
        if (retry) {
            retryAtNanos = now + backoff.delayNanos(consecutiveFailures);
        } else {
            schedule.takeDue(now);
        }
        scheduleWakeup();
    }

    private void startRead(List<PointConfig> due, long now) {
        lastAttemptNanos = now;
        Read read = new Read(due, now, ++readCount);
        for (PointConfig p : due) {
            points.get(p.id()).expect(read.mark);
        }
        inFlight = read;
        CompletionStage<List<Sample>> stage;
        try {
            stage = adapter.read(due);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        read.timeout = scheduler.schedule(device.timeout(), () -> serial.execute(() -> onTimeout(read)));
        stage.whenComplete((samples, error) -> serial.execute(() -> onComplete(read, samples, error)));
        scheduleWakeup();
    }

    private void onTimeout(Read read) {
        if (inFlight != read || read.timedOut || stopped) {
            return;
        }
        read.timedOut = true;
        failed(read, Quality.TIMEOUT, "no answer within " + device.timeout().toMillis() + " ms", null);
    }

    private void onComplete(Read read, List<Sample> samples, Throwable error) {
        read.timeout.cancel();
        if (inFlight == read) {
            inFlight = null;
        }
        if (stopped || read.timedOut) {
            // A late answer to an abandoned read is stale: the points are already marked timed out.
            scheduleWakeup();
            return;
        }
        if (error != null) {
            Throwable cause = unwrap(error);
            String reason = cause instanceof DeviceException de ? de.reason()
                    : cause instanceof TimeoutException ? Quality.TIMEOUT : "adapter-error";
            failed(read, reason, String.valueOf(cause.getMessage()), cause instanceof DeviceException ? null : cause);
        } else {
            succeeded(read, samples == null ? List.of() : samples);
        }
        scheduleWakeup();
    }

    private void succeeded(Read read, List<Sample> samples) {
        long now = scheduler.nanoTime();
        lastSuccessNanos = now;
        if (consecutiveFailures > 0) {
            LOG.info("device {}: reads succeed again after {} failure(s)", device.id(), consecutiveFailures);
            consecutiveFailures = 0;
            failures = 0;
            schedule.restartFrom(read.startNanos);
        }
        metrics.readSucceeded(now - read.startNanos, read.points.size());
        long at = scheduler.clock().millis();
        long mark = read.mark;
        List<Message> reported = new ArrayList<>(read.points.size());
        for (Sample s : samples) {
            PointState p = points.get(s.point().point());
            if (p != null && p.markRead(mark)) {
                offer(p, s, at, now, reported);
            }
        }
        for (PointConfig c : read.points) {
            PointState p = points.get(c.id());
            if (!p.wasRead(mark)) {
                offer(p, Sample.bad(c.ref(), "no-data", at), at, now, reported);
            }
        }
        if (!heldBack) {
            setStatus(DeviceStatus.online(Instant.ofEpochMilli(at)));
        }
        emit(reported);
    }

    private void failed(Read read, String reason, String message, Throwable unexpected) {
        long now = scheduler.nanoTime();
        consecutiveFailures++;
        failures = consecutiveFailures;
        metrics.readFailed(reason);
        long delay = backoff.delayNanos(consecutiveFailures);
        retryAtNanos = now + delay;
        if (unexpected != null) {
            LOG.error("device {}: adapter failed unexpectedly; retrying in {} ms", device.id(), delay / 1_000_000, unexpected);
        } else if (consecutiveFailures == 1) {
            LOG.warn("device {}: read failed ({}: {}); retrying with backoff", device.id(), reason, message);
        } else {
            LOG.debug("device {}: read failed again ({}: {}), attempt {}, next in {} ms", device.id(), reason, message,
                    consecutiveFailures, delay / 1_000_000);
        }
        long at = scheduler.clock().millis();
        List<Message> reported = new ArrayList<>(read.points.size());
        for (PointConfig p : read.points) {
            offer(points.get(p.id()), Sample.bad(p.ref(), reason, at), at, now, reported);
        }
        heldBack = false;
        setStatus(DeviceStatus.offline(reason, Instant.ofEpochMilli(at)));
        emit(reported);
    }

    private void readBack(PointConfig point) {
        if (!stopped && consecutiveFailures == 0) {
            schedule.dueNow(point.id(), scheduler.nanoTime());
            scheduleWakeup();
        }
    }

    private void drainPushed() {
        pushDrainScheduled.set(false);
        if (stopped) {
            pushedSamples.clear();
            pushedWaiting.set(0);
            return;
        }
        long now = scheduler.nanoTime();
        lastAttemptNanos = now;
        lastSuccessNanos = now;
        long at = scheduler.clock().millis();
        List<Message> reported = new ArrayList<>();
        Sample s;
        while ((s = pushedSamples.poll()) != null) {
            pushedWaiting.decrementAndGet();
            PointState p = points.get(s.point().point());
            if (p != null) {
                offer(p, s, at, now, reported);
            }
        }
        emit(reported);
    }

    private void publishHeartbeatsOfPushedPoints(long now) {
        List<PointConfig> pushed = schedule.pushedPoints();
        if (pushed.isEmpty()) {
            return;
        }
        long at = scheduler.clock().millis();
        List<Message> reported = new ArrayList<>();
        for (PointConfig p : pushed) {
            Message again = ReportFilter.heartbeatDue(points.get(p.id()), at, now);
            if (again != null) {
                reported.add(again);
            }
        }
        emit(reported);
    }

    private void offer(PointState point, Sample raw, long receivedAtMillis, long now, List<Message> into) {
        Message m = ReportFilter.offer(point, raw, receivedAtMillis, now);
        if (m != null) {
            into.add(m);
        }
        if (observer != ReadingObserver.NONE) {
            observed.add(point.latest());
        }
    }

    private void emit(List<Message> reported) {
        if (!reported.isEmpty()) {
            metrics.reported(reported.size());
            output.reported(device, reported);
        }
        if (!observed.isEmpty()) {
            try {
                observer.observe(observed);
            } catch (RuntimeException e) {
                // Edge logic failing must not stop the device's polling; the readings themselves went out above.
                LOG.error("device {}: a reading observer failed", device.id(), e);
            } finally {
                observed.clear();
            }
        }
    }

    private void setStatus(DeviceStatus newStatus) {
        if (!newStatus.sameAs(status)) {
            status = newStatus;
            output.statusChanged(device, newStatus);
        }
    }

    /** Sets the one timer of this device to the earliest of: next due poll, retry, pushed-point heartbeat. */
    private void scheduleWakeup() {
        if (stopped) {
            return;
        }
        long next = consecutiveFailures > 0 ? retryAtNanos : schedule.nextDueNanos();
        for (PointConfig p : schedule.pushedPoints()) {
            next = Math.min(next, ReportFilter.nextHeartbeatNanos(points.get(p.id())));
        }
        wakeup.cancel();
        if (next == Long.MAX_VALUE) {
            wakeup = Cancellable.NONE;
            return;
        }
        long delay = Math.max(0, next - scheduler.nanoTime());
        wakeup = scheduler.schedule(delay, () -> serial.execute(this::tick));
    }

    private Instant now() {
        return scheduler.clock().instant();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
