package io.outpost.core.poll;

import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.report.EngineeringTransform;
import io.outpost.core.report.ReportFilter;
import io.outpost.core.report.Reported;
import io.outpost.core.report.LiveValues;
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
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's loop for one device: reads due points in batches on a drift-free schedule, gives up on a read after
 * the device timeout, marks points bad with the failure's reason, retries with jittered exponential backoff,
 * recovers, and passes readings through report-by-exception to the mapping stage. Pushed values and writes go
 * through the same place.
 *
 * <p>All state is confined to {@code serial}, the device's serial executor; public methods may be called from
 * any thread.
 */
public final class DevicePoller {

    private static final Logger LOG = LoggerFactory.getLogger(DevicePoller.class);

    private final DeviceConfig device;
    private final DeviceAdapter adapter;
    private final TaskScheduler scheduler;
    private final Executor serial;
    private final DeviceOutput output;
    private final LiveValues live;
    private final JitteredBackoff backoff;
    private final PollMetrics metrics;
    private final Map<String, PointConfig> points = new HashMap<>();
    private final ReportFilter filter = new ReportFilter();
    private final PollSchedule schedule;
    private final ConcurrentLinkedQueue<Sample> pushedSamples = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean pushDrainScheduled = new AtomicBoolean();

    private Read inFlight;
    private int consecutiveFailures;
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
        Cancellable timeout = Cancellable.NONE;
        boolean timedOut;

        Read(List<PointConfig> points, long startNanos) {
            this.points = points;
            this.startNanos = startNanos;
        }
    }

    public DevicePoller(DeviceConfig device, DeviceAdapter adapter, TaskScheduler scheduler, Executor serial,
                        DeviceOutput output, LiveValues live, RandomGenerator random,
                        io.micrometer.core.instrument.MeterRegistry meters, long firstPollDelayNanos) {
        this.device = device;
        this.adapter = adapter;
        this.scheduler = scheduler;
        this.serial = serial;
        this.output = output;
        this.live = live;
        this.backoff = new JitteredBackoff(device.backoff(), random);
        this.metrics = new PollMetrics(meters, device.id());
        device.points().forEach(p -> points.put(p.id(), p));
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
        PointConfig p = points.get(pointId);
        if (p != null) {
            live.describe(p.ref(), metadata);
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
            return;
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
        Read read = new Read(due, now);
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
        Map<String, Sample> byPoint = new HashMap<>(samples.size() * 2);
        for (Sample s : samples) {
            byPoint.put(s.point().point(), s);
        }
        Instant at = now();
        List<Reported> reported = new ArrayList<>(read.points.size());
        for (PointConfig p : read.points) {
            Sample s = byPoint.get(p.id());
            offer(p, s != null ? s : Sample.bad(p.ref(), "no-data", at), now, reported);
        }
        setStatus(DeviceStatus.online(at));
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
        Instant at = now();
        List<Reported> reported = new ArrayList<>();
        for (PointConfig p : read.points) {
            offer(p, Sample.bad(p.ref(), reason, at), now, reported);
        }
        setStatus(DeviceStatus.offline(reason, at));
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
            return;
        }
        long now = scheduler.nanoTime();
        lastAttemptNanos = now;
        lastSuccessNanos = now;
        List<Reported> reported = new ArrayList<>();
        Sample s;
        while ((s = pushedSamples.poll()) != null) {
            PointConfig p = points.get(s.point().point());
            if (p != null) {
                offer(p, s, now, reported);
            }
        }
        emit(reported);
    }

    private void publishHeartbeatsOfPushedPoints(long now) {
        List<Reported> reported = new ArrayList<>();
        for (PointConfig p : schedule.pushedPoints()) {
            Sample again = filter.heartbeatDue(p, now);
            if (again != null) {
                reported.add(new Reported(p, again));
            }
        }
        emit(reported);
    }

    private void offer(PointConfig point, Sample raw, long now, List<Reported> into) {
        Sample sample = EngineeringTransform.apply(point, raw);
        boolean report = filter.offer(point, sample, now);
        live.update(point, sample, report);
        if (report) {
            into.add(new Reported(point, sample));
        }
    }

    private void emit(List<Reported> reported) {
        if (!reported.isEmpty()) {
            metrics.reported(reported.size());
            output.reported(device, reported);
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
            next = Math.min(next, filter.nextHeartbeatNanos(p));
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
