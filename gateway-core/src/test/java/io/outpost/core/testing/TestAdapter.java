package io.outpost.core.testing;

import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.DeviceAdapter;
import io.outpost.core.spi.DeviceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A device under the test's control: values to answer with, a mode (answer, hang, fail), and a record of every
 * read batch and write. Answers complete synchronously, so a manual scheduler drives everything.
 */
public final class TestAdapter implements DeviceAdapter {

    public enum Mode { ANSWER, HANG, FAIL }

    private final DeviceConfig device;
    private final AdapterContext context;
    private final Map<String, Value> values = new ConcurrentHashMap<>();
    private final List<List<String>> reads = new CopyOnWriteArrayList<>();
    private final List<Long> readTimesMillis = new CopyOnWriteArrayList<>();
    private final List<Map.Entry<String, Value>> writes = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<List<Sample>>> hanging = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.ANSWER;
    private volatile String failReason = "comm-lost";
    private volatile boolean closed;
    private volatile java.time.Duration latency = java.time.Duration.ZERO;

    TestAdapter(DeviceConfig device, AdapterContext context) {
        this.device = device;
        this.context = context;
    }

    public AdapterContext context() {
        return context;
    }

    public void set(String pointId, Value value) {
        values.put(pointId, value);
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    /** Answers (or fails) only after this much virtual time, like a slow device or a library's own timeout. */
    public void latency(java.time.Duration latency) {
        this.latency = latency;
    }

    public void failWith(String reason) {
        this.failReason = reason;
        this.mode = Mode.FAIL;
    }

    /** Completes every hanging read with the current values (a late answer). */
    public void releaseHanging() {
        List<CompletableFuture<List<Sample>>> toRelease = new ArrayList<>(hanging);
        hanging.clear();
        toRelease.forEach(f -> f.complete(List.of()));
    }

    public List<List<String>> reads() {
        return List.copyOf(reads);
    }

    /** Virtual-clock millisecond of each read. */
    public List<Long> readTimesMillis() {
        return List.copyOf(readTimesMillis);
    }

    public List<Map.Entry<String, Value>> writes() {
        return List.copyOf(writes);
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public CompletionStage<List<Sample>> read(List<PointConfig> points) {
        reads.add(points.stream().map(PointConfig::id).toList());
        readTimesMillis.add(context.scheduler().nanoTime() / 1_000_000);
        switch (mode) {
            case HANG -> {
                CompletableFuture<List<Sample>> f = new CompletableFuture<>();
                hanging.add(f);
                return f;
            }
            case FAIL -> {
                return later(CompletableFuture.failedFuture(new DeviceException(failReason, "test device fails")));
            }
            default -> {
                List<Sample> out = new ArrayList<>();
                for (PointConfig p : points) {
                    Value v = values.get(p.id());
                    if (v != null) {
                        out.add(Sample.good(p.ref(), v, context.scheduler().clock().millis()));
                    }
                }
                return later(CompletableFuture.completedFuture(out));
            }
        }
    }

    private <T> CompletionStage<T> later(CompletableFuture<T> outcome) {
        if (latency.isZero()) {
            return outcome;
        }
        CompletableFuture<T> delayed = new CompletableFuture<>();
        context.scheduler().schedule(latency, () -> outcome.whenComplete((v, e) -> {
            if (e != null) {
                delayed.completeExceptionally(e);
            } else {
                delayed.complete(v);
            }
        }));
        return delayed;
    }

    @Override
    public CompletionStage<Void> write(PointConfig point, Value value) {
        if (mode == Mode.FAIL) {
            return CompletableFuture.failedFuture(new DeviceException(failReason, "test device refuses the write"));
        }
        writes.add(Map.entry(point.id(), value));
        values.put(point.id(), value);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        closed = true;
    }
}
