package io.outpost.core.logic.computed;

import com.google.common.primitives.UnsignedLong;
import dev.cel.runtime.CelEvaluationException;
import io.micrometer.core.instrument.Counter;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.logic.ReadingFeed;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.DeviceAdapter;
import io.outpost.core.spi.DeviceException;
import io.outpost.core.spi.DeviceStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The points of one {@code logic} device, computed when an input changes (not on a timer). It observes the readings
 * the gateway publishes ({@link ReadingFeed}), keeps the latest of each input, evaluates the points that depend on
 * a changed input and pushes their readings into the core, so that they take the same path as a device's readings:
 * report-by-exception and deadband, the local broker, the bridge and the store.
 *
 * <p>Quality: the worst of the inputs' ({@code uncertain} or {@code bad} with reason {@code input-uncertain} /
 * {@code input-bad}); an input without a value gives {@code bad} with reason {@code input-missing}. An expression
 * that calls {@code quality(input)} decides itself: its reading is good unless its result is not a number.
 *
 * <p>All state is confined to the device's executor ({@link AdapterContext#ioExecutor()}); {@link #observe} is
 * called on the reporting devices' threads and only hands over.
 */
final class ComputedAdapter implements DeviceAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ComputedAdapter.class);
    static final String INPUT_MISSING = "input-missing";
    static final String EXPRESSION_ERROR = "expression-error";
    static final String INVALID_RESULT = "invalid-result";

    private final DeviceConfig device;
    private final AdapterContext context;
    private final ReadingFeed feed;
    private final Executor executor;
    private final List<Computed> points = new ArrayList<>();
    private final Map<PointRef, List<Computed>> dependents = new HashMap<>();
    private final Map<PointRef, Sample> latest = new HashMap<>();
    private final Counter errors;
    private final Counter dropped;
    private volatile AutoCloseable subscription;

    private record Computed(PointConfig config, ComputedPointSettings settings, Map<String, Object> values) {
    }

    ComputedAdapter(DeviceConfig device, AdapterContext context, ReadingFeed feed) {
        this.device = device;
        this.context = context;
        this.feed = feed;
        this.executor = context.ioExecutor();
        for (PointConfig p : device.points()) {
            ComputedPointSettings s = p.settings(ComputedPointSettings.class);
            Computed c = new Computed(p, s, new HashMap<>(ExpressionLanguage.CONSTANTS));
            points.add(c);
            s.inputs().values().forEach(ref -> dependents.computeIfAbsent(ref, k -> new ArrayList<>()).add(c));
        }
        this.errors = Counter.builder("outpost.computed.errors").tag("device", device.id())
                .description("Evaluations of computed points that failed (the reading is bad: expression-error)")
                .register(context.meters());
        this.dropped = Counter.builder("outpost.computed.dropped").tag("device", device.id())
                .description("Input batches not evaluated because the computing thread was far behind")
                .register(context.meters());
    }

    @Override
    public void start() {
        points.forEach(c -> context.setPushed(c.config.id(), true));
        subscription = feed.subscribe(this::observe);
        executor.execute(() -> {
            dependents.keySet().forEach(ref -> feed.latest(ref).ifPresent(s -> latest.put(ref, s)));
            long now = context.scheduler().clock().millis();
            points.forEach(c -> context.push(evaluate(c, now)));
            context.reportStatus(DeviceStatus.online(context.scheduler().clock().instant()));
        });
    }

    /** Readings published anywhere on the gateway; called on the reporting device's thread. */
    private void observe(List<Sample> samples) {
        List<Sample> relevant = null;
        for (Sample s : samples) {
            if (dependents.containsKey(s.point())) {
                if (relevant == null) {
                    relevant = new ArrayList<>();
                }
                relevant.add(s);
            }
        }
        if (relevant == null) {
            return;
        }
        List<Sample> inputs = relevant;
        try {
            executor.execute(() -> inputsChanged(inputs));
        } catch (RejectedExecutionException e) {
            // The queue is bounded: far behind, an input batch is dropped and counted; the next change catches up.
            dropped.increment();
        }
    }

    private void inputsChanged(List<Sample> samples) {
        Set<Computed> due = new LinkedHashSet<>();
        for (Sample s : samples) {
            Sample before = latest.put(s.point(), s);
            if (before == null || !Objects.equals(before.value(), s.value()) || !before.quality().equals(s.quality())) {
                due.addAll(dependents.get(s.point()));
            }
        }
        for (Computed c : due) {
            Sample out = evaluate(c, 0);
            context.push(out);
        }
    }

    /** The reading of a computed point from the latest inputs; {@code fallbackMillis} when no input has a time. */
    private Sample evaluate(Computed c, long fallbackMillis) {
        PointRef ref = c.config.ref();
        long sourceMillis = 0;
        boolean missing = false;
        Quality.Status worst = Quality.Status.GOOD;
        Map<String, Quality> qualities = new HashMap<>();
        for (Map.Entry<String, PointRef> input : c.settings.inputs().entrySet()) {
            Sample s = latest.get(input.getValue());
            Object value = s == null || !s.hasValue() ? null : celValue(s.value());
            if (value == null) {
                missing = true;
                c.values.put(input.getKey(), Double.NaN);
                qualities.put(input.getKey(), s == null ? Quality.bad(INPUT_MISSING) : s.quality());
            } else {
                c.values.put(input.getKey(), value);
                qualities.put(input.getKey(), s.quality());
                if (s.quality().status().compareTo(worst) > 0) {
                    worst = s.quality().status();
                }
            }
            if (s != null) {
                sourceMillis = Math.max(sourceMillis, s.sourceMillis());
            }
        }
        long at = sourceMillis > 0 ? sourceMillis : fallbackMillis > 0 ? fallbackMillis
                : context.scheduler().clock().millis();
        CompiledExpression expression = c.settings.expression();
        if (missing && !expression.usesQuality()) {
            return Sample.bad(ref, INPUT_MISSING, at);
        }
        Object result;
        try {
            result = expression.evaluate(c.values, qualities::get);
        } catch (CelEvaluationException e) {
            errors.increment();
            LOG.debug("computed point {}: {} failed: {}", ref, expression.source(), e.getMessage());
            return Sample.bad(ref, EXPRESSION_ERROR, at);
        }
        Value value = pointValue(result);
        if (value == null) {
            errors.increment();
            LOG.debug("computed point {}: {} gave a {}, not a number, bool or text", ref, expression.source(),
                    result == null ? "null" : result.getClass().getSimpleName());
            return Sample.bad(ref, EXPRESSION_ERROR, at);
        }
        if (value instanceof Value.Real r && (Double.isNaN(r.value()) || Double.isInfinite(r.value()))) {
            return Sample.bad(ref, missing ? INPUT_MISSING : INVALID_RESULT, at);
        }
        Quality quality = expression.usesQuality() || worst == Quality.Status.GOOD ? Quality.GOOD
                : new Quality(worst, "input-" + worst.wireName());
        return new Sample(ref, value, quality, at);
    }

    /** A point value as CEL sees it: numbers as double, bool, text; null for what an expression cannot use. */
    static Object celValue(Value v) {
        if (v instanceof Value.Bool b) {
            return b.value();
        }
        if (v instanceof Value.Text t) {
            return t.value();
        }
        return v instanceof Value.Array ? null : v.asDouble();
    }

    static Value pointValue(Object result) {
        if (result instanceof Double d) {
            return Value.of(d);
        }
        if (result instanceof Long l) {
            return Value.of(l);
        }
        if (result instanceof Boolean b) {
            return Value.of(b);
        }
        if (result instanceof String s) {
            return Value.of(s);
        }
        if (result instanceof UnsignedLong u) {
            return Value.of(u.doubleValue());
        }
        return null;
    }

    @Override
    public CompletionStage<List<Sample>> read(List<PointConfig> toRead) {
        // Only before start() made the points pushed: answer from the latest inputs, on the computing thread.
        return CompletableFuture.supplyAsync(() -> {
            List<Sample> out = new ArrayList<>();
            long now = context.scheduler().clock().millis();
            for (Computed c : points) {
                if (toRead.contains(c.config)) {
                    out.add(evaluate(c, now));
                }
            }
            return out;
        }, executor);
    }

    @Override
    public CompletionStage<Void> write(PointConfig point, Value value) {
        return CompletableFuture.failedFuture(new DeviceException("read-only",
                "point " + point.ref() + " is computed from other points and cannot be written"));
    }

    @Override
    public void close() {
        AutoCloseable s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.warn("device {}: could not stop observing readings", device.id(), e);
            }
        }
    }
}
