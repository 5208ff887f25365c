package io.outpost.bench.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.Message;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.report.PointState;
import io.outpost.core.report.ReportFilter;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.mqtt.MqttEngine;
import io.outpost.mqtt.bridge.Bridge;
import io.outpost.mqtt.bridge.config.UpstreamsConfig;
import io.outpost.mqtt.bridge.config.UpstreamsSection;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerSection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
    private MqttEngine engine;
    private Bridge bridge;
    private final List<PointState[]> devices = new ArrayList<>();
    private long tick;

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("reading-path");
        String rule = uplink.equals("per-point") ? "to: \"cloud/{topic}\""
                : "to: \"cloud/batch/{device}\", format: cbor-batch, batch: {by: device, max-delay: 50ms}";
        StringBuilder yaml = new StringBuilder("gateway: {id: bench, site: site, data-dir: " + dir + "}\n"
                + "broker: {listeners: []}\n"
                + "upstreams:\n  - name: cloud\n    servers: [\"mqtt://127.0.0.1:1\"]\n"
                + "    store: {max-bytes: 4GB}\n"
                + "    forward: [{from: \"site/#\", qos: 1, " + rule + "}]\n"
                + "devices:\n");
        for (int d = 0; d < DEVICES; d++) {
            yaml.append("  - id: dev").append(d).append("\n    protocol: modbus\n")
                    .append("    connection: {host: 127.0.0.1, port: 1}\n    points:\n");
            for (int p = 0; p < POINTS; p++) {
                yaml.append("      - {id: p").append(p).append(", address: ").append(40001 + 2 * p)
                        .append(", type: float32, report: every-read}\n");
            }
        }
        PayloadFormats formats = PayloadFormats.standard();
        GatewayConfig config = new ConfigLoader(AdapterCatalog.fromServiceLoader(), ConfigLoader.discoverSections(),
                formats.names(), Interpolator.system()).parse(yaml.toString(), dir.resolve("bench.yaml"));
        engine = new MqttEngine(config.section(BrokerSection.KEY, BrokerConfig.class).orElseThrow(),
                new SimpleMeterRegistry(), Clock.systemUTC());
        engine.restore();
        bridge = new Bridge(config.section(UpstreamsSection.KEY, UpstreamsConfig.class).orElseThrow(), config.gateway(),
                engine.localBroker(), new SimpleMeterRegistry());
        bridge.start();
        for (DeviceConfig d : config.devices()) {
            PointState[] states = new PointState[d.points().size()];
            for (int i = 0; i < states.length; i++) {
                PointConfig p = d.points().get(i);
                states[i] = new PointState(p, formats.get(p.publication().format()));
            }
            devices.add(states);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        bridge.close();
        engine.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
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
