package io.outpost.bench.jmh;

import io.outpost.core.config.GatewayConfig;
import io.outpost.core.history.HistoryService;
import io.outpost.core.logic.ReadingObserver;
import io.outpost.core.logic.alarm.AlarmService;
import io.outpost.core.logic.alarm.AlarmStateFile;
import io.outpost.core.message.Message;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.report.PointState;
import io.outpost.core.report.ReportFilter;
import io.outpost.core.time.Cancellable;
import io.outpost.core.time.TaskScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the edge logic adds to the core's per-reading work on a device's serial executor: the core's transform and
 * report by exception ({@link ReportFilter#offer}, as {@code DevicePoller} does it), then the reading observer with
 * nothing ({@code none}), the per-point history ({@code history}), or history plus four alarms on every point
 * ({@code alarms+history}: hi-hi, hi, lo, bad-quality; values cross no limit, the usual case). 64 devices of 100
 * float points; one operation is one reading. The engine is not included (see {@link ReadingPathBenchmark}).
 *
 * <pre>java -cp bench/target/classes:$(cat bench/target/bench-classpath.txt) org.openjdk.jmh.Main EdgeLogicBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx256m", "-XX:+UseSerialGC"})
public class EdgeLogicBenchmark {

    static final int DEVICES = 64;
    static final int POINTS = 100;

    @Param({"none", "history", "alarms+history"})
    public String logic;

    private Path dir;
    private final List<PointState[]> devices = new ArrayList<>();
    private ReadingObserver observer;
    private AlarmService alarms;
    private HistoryService history;
    private long tick;

    /** Timers never fire in this benchmark: no alarm has a delay to wait for. */
    private static final class IdleScheduler implements TaskScheduler {
        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Cancellable schedule(long delayNanos, Runnable task) {
            return Cancellable.NONE;
        }
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("edge-logic");
        String alarmsYaml = logic.contains("alarms")
                ? ", alarms: {hi-hi: {limit: 1e9}, hi: {limit: 1e8, deadband: 1}, lo: {limit: -1}, bad-quality: {}}"
                : "";
        GatewayConfig config = ReadingPathRig.siteConfig(dir, "", DEVICES, POINTS, alarmsYaml);
        devices.addAll(ReadingPathRig.pointStates(config));
        history = new HistoryService(dir.resolve("history"), Clock.systemUTC());
        alarms = new AlarmService(config.gateway(), new IdleScheduler(),
                messages -> CompletableFuture.completedFuture(null), AlarmStateFile.in(dir), Runnable::run);
        switch (logic) {
            case "none" -> observer = ReadingObserver.NONE;
            case "history" -> {
                history.configure(config);
                observer = history;
            }
            default -> {
                history.configure(config);
                alarms.configure(config);
                observer = samples -> {
                    alarms.observe(samples);
                    history.observe(samples);
                };
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        alarms.close();
        history.close();
        ReadingPathRig.deleteTree(dir);
    }

    /** One poll of every device as DevicePoller handles it: offer each reading, then the observer once per poll. */
    @Benchmark
    @OperationsPerInvocation(DEVICES * POINTS)
    public int pollOfEveryDevice() {
        long now = System.currentTimeMillis();
        long nanos = System.nanoTime();
        tick++;
        int reported = 0;
        List<Sample> observed = new ArrayList<>(POINTS);
        for (int d = 0; d < DEVICES; d++) {
            PointState[] states = devices.get(d);
            List<Message> poll = new ArrayList<>(states.length);
            for (int p = 0; p < states.length; p++) {
                Sample raw = Sample.good(states[p].ref(), Value.ofFloat32((float) (tick * 0.25 + p)), now);
                Message m = ReportFilter.offer(states[p], raw, now, nanos);
                if (m != null) {
                    poll.add(m);
                }
                if (observer != ReadingObserver.NONE) {
                    observed.add(states[p].latest());
                }
            }
            if (!observed.isEmpty()) {
                observer.observe(observed);
                observed.clear();
            }
            reported += poll.size();
        }
        return reported;
    }
}
