package io.outpost.mqtt.internal.bridge.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.outpost.mqtt.internal.bridge.crash.CrashChild;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Backlog replay and loss, this bridge against mosquitto's bridge (mosquitto as the edge broker bridging to a
 * second mosquitto), given the same backlog built during the same outage, through the same link emulator, to the
 * same cloud mosquitto, counted by the same subscriber at the cloud. Prints one table row per run.
 *
 * <p>Run with {@code mqtt-engine/bench/bridge-bench.sh replay}. Argument: a scratch directory.
 */
public final class ReplayBenchmark {

    private static final int BACKLOG = Integer.getInteger("bench.backlog", 100_000);
    private static final int SATELLITE_BACKLOG = Integer.getInteger("bench.satelliteBacklog", 20_000);
    private static final Duration SATELLITE_WINDOW = Duration.ofSeconds(Integer.getInteger("bench.satelliteSeconds", 60));

    private final Path dir;
    private int run;

    private ReplayBenchmark(Path dir) {
        this.dir = dir;
    }

    /** The link between edge and cloud, and what the cloud broker grants. */
    private record Link(String name, Duration latency, long bandwidth, int cloudInflight) {
    }

    /** One run; {@code linkUse} is the share of the link's capacity the bridge used towards the cloud, or -1. */
    private record Result(String bridge, String link, int backlog, long accepted, long received, long copies,
                          double seconds, boolean drained, double linkUse) {
        String row() {
            long lost = accepted - received;
            return String.format("| %s | %s | %,d | %,d | %,d | %,d | %s | %,.0f | %s | %,d |", bridge, link, backlog, accepted,
                    received, copies - received, drained ? String.format("%.1f s", seconds) : String.format("%.1f s (stopped)", seconds),
                    received / Math.max(seconds, 1e-3), linkUse < 0 ? "-" : String.format("%.0f %%", linkUse * 100), Math.max(0, lost));
        }
    }

    private static double linkUse(Link l, LinkEmulator link, long bytesBefore, double seconds) {
        return l.bandwidth() == 0 ? -1 : (link.bytesToServer() - bytesBefore) / seconds / l.bandwidth();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath().resolve("replay"));
        ReplayBenchmark b = new ReplayBenchmark(dir);
        Link loopback = new Link("loopback", Duration.ZERO, 0, 1000);
        Link satellite = new Link("300 ms each way, 64 KB/s", Duration.ofMillis(300), 64 * 1024, 1000);
        List<String> rows = new ArrayList<>();
        System.out.println("| bridge | link | backlog | accepted | arrived at cloud | duplicates | drain time | msg/s | link used | lost |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        List<Callable<Result>> scenarios = List.of(
                () -> b.ours(loopback, BACKLOG, false),
                () -> b.mosquitto(loopback, BACKLOG, "defaults", false),
                () -> b.mosquitto(loopback, BACKLOG, "tuned", false),
                () -> b.ours(loopback, BACKLOG, true),
                () -> b.mosquitto(loopback, BACKLOG, "tuned", true),
                () -> b.ours(satellite, SATELLITE_BACKLOG, false),
                () -> b.mosquitto(satellite, SATELLITE_BACKLOG, "tuned", false),
                () -> b.oursGatewayOnly(loopback, BACKLOG));
        String only = System.getProperty("bench.only", "");
        for (int i = 0; i < scenarios.size(); i++) {
            if (!only.isEmpty() && !List.of(only.split(",")).contains(Integer.toString(i + 1))) {
                continue;
            }
            Result r = scenarios.get(i).call();
            rows.add(r.row());
            System.out.println(r.row());
        }
        System.out.println();
        rows.forEach(System.out::println);
        System.exit(0);
    }

    // ------------------------------------------------------------------ this bridge

    private Result ours(Link l, int backlog, boolean killDuringOutage) throws Exception {
        Path here = Files.createTempDirectory(dir, "run-" + (++run) + "-");
        String name = "outpost" + (killDuringOutage ? ", kill -9 in the outage" : "");
        try (Mosquitto cloud = cloud(here, l); LinkEmulator link = emulate(cloud, l);
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("#", 1)) {
            link.down();
            // The gateway is its own process, as the edge mosquitto is: it fills its queue during the outage.
            Path state = Files.createDirectories(here.resolve("state"));
            ExternalProcess gateway = child(here, state, link.port(), "fill:" + backlog);
            gateway.awaitLine("FILLED"::equals, Duration.ofMinutes(5));
            long accepted = backlog;
            if (killDuringOutage) {
                gateway.kill();
                gateway = child(here, state, link.port(), "drain");
                gateway.awaitLine("READY"::equals, Duration.ofMinutes(2));
            }
            ExternalProcess running = gateway;
            Runnable close = () -> {
                if (Boolean.getBoolean("bench.debug")) {
                    running.output().forEach(System.out::println);
                }
                running.close();
            };
            long start;
            long bytesBefore = link.bytesToServer();
            start = System.nanoTime();
            link.up();
            Drain d = awaitDistinct(sub, accepted, l.latency().isZero() ? Duration.ofMinutes(10) : SATELLITE_WINDOW);
            close.run();
            double seconds = (d.lastArrivalNanos() - start) / 1e9;
            return new Result(name, l.name(), backlog, accepted, sub.distinctPayloads(), sub.count(), seconds, d.complete(),
                    linkUse(l, link, bytesBefore, seconds));
        }
    }

    /**
     * The gateway's own limit: no subscriber at the cloud (which on this 2-core machine competes for the CPU), the
     * drain timed by the bridge's acknowledgement counter, the gateway in this process.
     */
    private Result oursGatewayOnly(Link l, int backlog) throws Exception {
        Path here = Files.createTempDirectory(dir, "run-" + (++run) + "-");
        try (Mosquitto cloud = cloud(here, l); LinkEmulator link = emulate(cloud, l)) {
            link.down();
            BridgeHarness h = new BridgeHarness(here.resolve("data"));
            h.start("""
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        backoff: {initial: 100ms, max: 300ms}
                        forward:
                          - {from: "q1/#", to: "c/{topic}", qos: 1}
                    """.formatted(link.port()));
            h.local.publishNumbered("q1/device-", 50, backlog, 2000, CrashChild.READING);
            var acked = h.meters.get("outpost.bridge.messages.acked").counter();
            long start = System.nanoTime();
            link.up();
            long deadline = start + TimeUnit.MINUTES.toNanos(5);
            while (acked.count() < backlog && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long done = (long) acked.count();
            h.close();
            return new Result("outpost, no subscriber (gateway limit)", l.name() + ", acked by broker", backlog, backlog,
                    done, done, seconds, done >= backlog, -1);
        }
    }

    private ExternalProcess child(Path here, Path state, int port, String mode) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> jfr = System.getProperty("bench.jfr") == null ? List.of()
                : List.of("-XX:StartFlightRecording=filename=" + System.getProperty("bench.jfr") + ",settings=profile");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(jfr);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""),
                CrashChild.class.getName(), here.resolve("data").toString(), state.toString(), Integer.toString(port), mode));
        return ExternalProcess.start("edge", command, null);
    }

    // ------------------------------------------------------------------ mosquitto's bridge

    /**
     * {@code defaults}: mosquitto's bridge as installed (queue bound {@code max_queued_messages 1000}, 20 in flight).
     * {@code tuned}: unbounded queue, 1000 in flight, persistence on and saved every second ({@code autosave_interval 1};
     * its default is 30 minutes), as a careful operator would set it. Both reconnect the bridge after 1 to 2 s
     * ({@code restart_timeout 1 2}), as fast as this bridge's probes.
     */
    private Result mosquitto(Link l, int backlog, String variant, boolean killDuringOutage) throws Exception {
        Path here = Files.createTempDirectory(dir, "run-" + (++run) + "-");
        String name = "mosquitto bridge, " + variant + (killDuringOutage ? ", kill -9 in the outage" : "");
        try (Mosquitto cloud = cloud(here, l); LinkEmulator link = emulate(cloud, l);
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("#", 1)) {
            link.down();
            int edgePort = FreePorts.tcp();
            List<String> conf = new ArrayList<>(List.of(
                    "connection cloud", "address 127.0.0.1:" + link.port(), "topic q1/# out 1 \"\" sites/",
                    "cleansession false", "restart_timeout 1 2", "keepalive_interval 30", "remote_clientid mosquitto-bench"));
            if (variant.equals("tuned")) {
                conf.addAll(List.of("max_queued_messages 0", "max_inflight_messages 1000", "persistence true",
                        "autosave_interval 1", "persistence_location " + here + "/"));
            }
            Files.setPosixFilePermissions(here, PosixFilePermissions.fromString("rwxrwxrwx"));
            Mosquitto edge = Mosquitto.start(here.resolve("edge"), edgePort, conf.toArray(String[]::new));
            long accepted = publishTo(edgePort, backlog);
            if (killDuringOutage) {
                edge.process().kill();
                edge = Mosquitto.start(here.resolve("edge"), edgePort, conf.toArray(String[]::new));
            }
            long bytesBefore = link.bytesToServer();
            long start = System.nanoTime();
            link.up();
            Drain d = awaitDistinct(sub, accepted, l.latency().isZero() ? Duration.ofMinutes(10) : SATELLITE_WINDOW);
            if (Boolean.getBoolean("bench.debug")) {
                edge.process().output().stream().filter(x -> !x.contains("PUBLISH") && !x.contains("PUBACK")).forEach(System.out::println);
            }
            edge.close();
            double seconds = (d.lastArrivalNanos() - start) / 1e9;
            return new Result(name, l.name(), backlog, accepted, sub.distinctPayloads(), sub.count(), seconds, d.complete(),
                    linkUse(l, link, bytesBefore, seconds));
        }
    }

    /** Publishes the backlog to the edge mosquitto with QoS 1; returns how many it acknowledged. */
    private static long publishTo(int port, int n) throws InterruptedException {
        Mqtt5AsyncClient c = MqttClient.builder().useMqttVersion5().identifier("bench-publisher")
                .serverHost("127.0.0.1").serverPort(port).buildAsync();
        c.connectWith().cleanStart(true).send().orTimeout(10, TimeUnit.SECONDS).join();
        Semaphore window = new Semaphore(1000);
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            window.acquire();
            all.add(c.publishWith().topic("q1/device-" + (i % 50)).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(String.format(CrashChild.READING, i).getBytes(StandardCharsets.UTF_8)).send()
                    .whenComplete((ok, err) -> window.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        long ok = all.stream().filter(f -> !f.isCompletedExceptionally()).count();
        c.disconnect().exceptionally(e -> null).join();
        return ok;
    }

    // ------------------------------------------------------------------ shared

    private static Mosquitto cloud(Path here, Link l) {
        return Mosquitto.start(here.resolve("cloud"), "max_queued_messages 0", "max_inflight_messages " + l.cloudInflight());
    }

    private static LinkEmulator emulate(Mosquitto cloud, Link l) {
        return LinkEmulator.start("127.0.0.1", cloud.port()).latency(l.latency()).bandwidth(l.bandwidth());
    }

    /** How a drain ended: all arrived or not, and when the last message arrived. */
    private record Drain(boolean complete, long lastArrivalNanos) {
    }

    /**
     * Waits until {@code n} distinct messages arrived, or (once some arrived) nothing new came for 10 s, or none came
     * within a minute (both bridges reconnect with a backoff), or the time is up.
     */
    private static Drain awaitDistinct(CloudClient sub, long n, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        long lastCount = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int count = sub.count();
            if (count != lastCount) {
                lastCount = count;
                lastChange = System.nanoTime();
                if (sub.distinctPayloads() >= n) {
                    return new Drain(true, lastChange);
                }
            } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(count == 0 ? 60 : 10)) {
                return new Drain(false, lastChange);
            }
            Thread.sleep(20);
        }
        return new Drain(false, System.nanoTime());
    }
}
