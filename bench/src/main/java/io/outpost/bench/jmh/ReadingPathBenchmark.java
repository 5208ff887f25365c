package io.outpost.bench.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.core.message.Message;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.report.PointState;
import io.outpost.core.report.ReportFilter;
import io.outpost.mqtt.MqttEngine;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The reading path from an adapter's sample to a record fsynced in an upstream's store, with the real classes:
 * the adapter's {@link Sample}, the core's transform and report by exception ({@link ReportFilter}, every reading
 * reported), the hand-over to the engine ({@link MqttEngine#publish}: retained store, routing, the forwarder) and the
 * store's writer with group commit, waited for. The upstream is not reachable, so nothing is sent: what is measured
 * ends where a reading is durable. One operation is one reading; 64 devices of 100 float points poll at once.
 *
 * <p>Run with the GC profiler ({@code gc.alloc.rate.norm} is bytes allocated per reading by all threads):
 * <pre>java -cp bench/target/classes:$(cat bench/target/bench-classpath.txt) org.openjdk.jmh.Main ReadingPathBenchmark -prof gc</pre>
 * {@code uplink} chooses the forward rule: one message per reading ({@code per-point}) or CBOR batches per device.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx256m", "-XX:+UseSerialGC"})
public class ReadingPathBenchmark {

    static final int DEVICES = 64;
    static final int POINTS = 100;

    @Param({"per-point", "cbor-batch"})
    public String uplink;

    private Path dir;
    private ReadingPathRig rig;
    private MqttEngine engine;
    private List<PointState[]> devices;
    private long tick;

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("reading-path");
        rig = new ReadingPathRig(dir, uplink, DEVICES, POINTS, new SimpleMeterRegistry());
        engine = rig.engine();
        devices = rig.devices();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        rig.close();
        ReadingPathRig.deleteTree(dir);
    }

    /** One poll of every device, each handed over as one batch, waited for until durable. */
    @Benchmark
    @OperationsPerInvocation(DEVICES * POINTS)
    public void pollOfEveryDevice() {
        long now = System.currentTimeMillis();
        long nanos = System.nanoTime();
        tick++;
        CompletableFuture<?>[] durable = new CompletableFuture<?>[DEVICES];
        for (int d = 0; d < DEVICES; d++) {
            PointState[] states = devices.get(d);
            List<Message> poll = new ArrayList<>(states.length);
            for (int p = 0; p < states.length; p++) {
                // What the adapter allocates: the value and the sample.
                Sample raw = Sample.good(states[p].ref(), Value.ofFloat32((float) (tick * 0.25 + p)), now);
                Message m = ReportFilter.offer(states[p], raw, now, nanos);
                if (m != null) {
                    poll.add(m);
                }
            }
            durable[d] = engine.publish(poll).toCompletableFuture();
        }
        CompletableFuture.allOf(durable).join();
    }
}
