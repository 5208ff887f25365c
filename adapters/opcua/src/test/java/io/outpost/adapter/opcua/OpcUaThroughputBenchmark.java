package io.outpost.adapter.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.message.MessageSink;
import io.outpost.core.message.Message;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Value changes per second delivered from 10,000 monitored items that change every 100 ms on a loopback server
 * (100,000 changes/s offered), through the whole gateway core (report by exception, JSON mapping) into a sink that
 * only counts, with the gateway JVM's CPU and heap; then a node-opcua client on the same server as the peer. The
 * simulator runs in its own JVM so that its CPU is not counted. Not part of the build: run it with
 *
 * <pre>mvn -B -q -pl adapters/opcua -am test -Dtest=OpcUaThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * and read {@code adapters/opcua/target/opcua-benchmark.txt}. Options: {@code -Dbench.items}, {@code -Dbench.warmup}
 * and {@code -Dbench.measure} (seconds).
 */
class OpcUaThroughputBenchmark {

    private static final int ITEMS = Integer.getInteger("bench.items", 10_000);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 20);
    private static final int MEASURE = Integer.getInteger("bench.measure", 30);

    /** Counts messages; completes at once, like an engine that keeps up. */
    private static final class CountingSink implements MessageSink {
        final LongAdder messages = new LongAdder();

        @Override
        public CompletionStage<Void> publish(List<Message> batch) {
            messages.add(batch.size());
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void tenThousandItemsChangingEvery100ms(@TempDir Path dir) throws Exception {
        int port = FreePorts.tcp();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "io.outpost.adapter.opcua.sim.OpcUaSimulator", "--port", Integer.toString(port),
                "--bench", Integer.toString(ITEMS), "--bench-period", "100");
        StringBuilder report = new StringBuilder();
        try (ExternalProcess server = ExternalProcess.start("opcua-bench-server", command, dir)) {
            String url = server.awaitLine(l -> l.startsWith("listening on "), Duration.ofSeconds(120))
                    .substring("listening on ".length());
            report.append(gateway(url, dir)).append('\n');
            report.append(peer(url)).append('\n');
        }
        String text = "OPC UA throughput, " + ITEMS + " items changing every 100 ms (offered "
                + ITEMS * 10 + " changes/s), warm-up " + WARMUP + " s, measured " + MEASURE + " s, "
                + Runtime.getRuntime().availableProcessors() + " cores\n" + report;
        System.out.println(text);
        Files.writeString(Path.of("target/opcua-benchmark.txt"), text);
    }

    private String gateway(String url, Path dir) throws Exception {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            points.append(String.format("      - {id: b%05d, node: \"nsu=urn:outpost:simulator;s=Bench/%05d\", "
                    + "sampling-interval: 100ms}%n", i, i));
        }
        String yaml = "gateway: {id: bench, site: s, data-dir: " + dir.resolve("data") + "}\n"
                + "devices:\n  - id: bench\n    protocol: opcua\n    timeout: 30s\n"
                + "    connection: {endpoint: \"" + url + "\", security-policy: none}\n"
                + "    subscription: {publishing-interval: 500ms}\n    points:\n" + points;
        AdapterCatalog catalog = new AdapterCatalog(List.of(new OpcUaAdapterFactory()));
        GatewayConfig config = new ConfigLoader(catalog, List.of(), PayloadFormats.standard().names(),
                new Interpolator(n -> null)).parse(yaml, dir.resolve("bench.yaml"));
        CountingSink sink = new CountingSink();
        CoreServices services = CoreServices.production(new SimpleMeterRegistry());
        GatewayRuntime runtime = new GatewayRuntime(config.gateway(), catalog, sink, PayloadFormats.standard(),
                services, GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ZERO);
        try {
            runtime.start(config);
            long setupStart = System.nanoTime();
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> sink.messages.sum() >= ITEMS);
            double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
            TimeUnit.SECONDS.sleep(WARMUP);
            OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long startMessages = sink.messages.sum();
            long startCpu = os.getProcessCpuTime();
            long start = System.nanoTime();
            long maxHeap = 0;
            for (int s = 0; s < MEASURE; s++) {
                TimeUnit.SECONDS.sleep(1);
                maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = (sink.messages.sum() - startMessages) / seconds;
            double cores = (os.getProcessCpuTime() - startCpu) / 1e9 / seconds;
            System.gc();
            long liveHeap = memory.getHeapMemoryUsage().getUsed();
            assertThat(rate).isPositive();
            return String.format("outpost (Milo client + core + JSON mapping): %.0f changes/s, %.2f cores, heap max %d MiB,"
                    + " heap after GC %d MiB; first value of every item after %.1f s", rate, cores, maxHeap >> 20,
                    liveHeap >> 20, setupSeconds);
        } finally {
            runtime.close();
            services.resources().close();
        }
    }

    private String peer(String url) throws Exception {
        if (!ExternalProcess.available("node")
                || !Files.isDirectory(NodeOpcUaServer.FOLDER.resolve("node_modules/node-opcua-client"))) {
            return "peer: node-opcua not installed (run npm ci in " + NodeOpcUaServer.FOLDER + ")";
        }
        List<String> command = new ArrayList<>(List.of("node", "bench-client.js", url, Integer.toString(ITEMS),
                Integer.toString(WARMUP), Integer.toString(MEASURE)));
        try (ExternalProcess client = ExternalProcess.start("node-bench-client", command, NodeOpcUaServer.FOLDER)) {
            String line = client.awaitLine(l -> l.startsWith("{\"changesPerSecond\""),
                    Duration.ofSeconds(WARMUP + MEASURE + 120L));
            return "peer node-opcua client: " + line;
        }
    }
}
