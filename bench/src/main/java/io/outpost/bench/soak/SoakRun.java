package io.outpost.bench.soak;

import io.outpost.bench.e2e.Arguments;
import io.outpost.bench.e2e.FieldSimulators;
import io.outpost.bench.e2e.GatewayProcess;
import io.outpost.bench.e2e.GatewayYaml;
import io.outpost.bench.e2e.OpsClient;
import io.outpost.bench.e2e.ServiceUnit;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The chaos soak: the whole gateway under load while faults run one after another in a random order (every kind
 * once per round), then a drain and the reconciliation of what was accepted against what the cloud received.
 *
 * <p>The pieces: Modbus devices ({@link FieldSimulators}, in this process) polled every second, some forwarded
 * with QoS 1 and some with QoS 2; a local publisher ({@link LocalPublisher}) with numbered QoS 1 and QoS 2
 * messages; the gateway in its own JVM ({@link GatewayProcess}, restarted after a SIGKILL as systemd would, on the
 * same data directory); the uplink through a {@link LinkEmulator} to mosquitto as the cloud broker, with persistence
 * so that a restart keeps its sessions; and a cloud consumer ({@link CloudRecorder}) writing into the
 * {@link Ledger}.
 *
 * <pre>java -cp ... io.outpost.bench.soak.SoakRun --minutes 30 [--seed N] [--devices 20] [--points 50]
 *     [--qos2-devices 4] [--publish-rate 200] [--work DIR] [--gateway-cp CP] [--java-opts "..."]</pre>
 * The gateway gets the JVM options and environment of {@code systemd/outpost.service} unless {@code --java-opts}
 * replaces the options.
 * Exits 0 when the soak is clean, 1 otherwise.
 */
public final class SoakRun {

    /** What to run. */
    public record Options(double minutes, long seed, int devices, int qos2Devices, int points, int publishRate,
                          String gatewayClassPath, ServiceUnit unit, Path work) {
    }

    private final Options o;
    private final Random random;
    private final Ledger ledger = new Ledger();
    private final Map<Fault, Integer> done = new EnumMap<>(Fault.class);
    private final Path cloudDir;
    private final int cloudPort = FreePorts.tcp();
    private FieldSimulators devices;
    private Mosquitto cloud;
    private LinkEmulator link;
    private GatewayProcess gateway;
    private long startNanos;

    private SoakRun(Options o) {
        this.o = o;
        this.random = new Random(o.seed());
        this.cloudDir = o.work().resolve("cloud");
    }

    /** Runs a soak of {@code o.minutes()} plus the drain; returns what it found. */
    public static SoakReport run(Options o) throws Exception {
        return new SoakRun(o).execute();
    }

    private SoakReport execute() throws Exception {
        Files.createDirectories(cloudDir);
        startNanos = System.nanoTime();
        log("seed %d; %d Modbus devices x %d points every 1 s (%d of them QoS 2), local publisher %d msg/s; work in %s",
                o.seed(), o.devices(), o.points(), o.qos2Devices(), o.publishRate(), o.work());
        int mqttPort = FreePorts.tcp();
        int httpPort = FreePorts.tcp();
        OpsClient ops = new OpsClient(httpPort);
        devices = FieldSimulators.start(new FieldSimulators.Spec(o.devices(), o.points(), 0, 0, Duration.ofSeconds(1),
                System.currentTimeMillis()));
        startCloud();
        link = LinkEmulator.start("127.0.0.1", cloudPort);
        Path config = o.work().resolve("gateway.yaml");
        Files.writeString(config, config(mqttPort, httpPort));
        gateway = new GatewayProcess(o.gatewayClassPath(), o.unit().javaOptions(), o.unit().environment(), config, o.work().resolve("gateway.log"));
        long lastAccepted = -1;
        long lastDelivered = 0;
        try (CloudRecorder consumer = new CloudRecorder(cloudPort, ledger).start();
             LocalPublisher publisher = new LocalPublisher(mqttPort, o.publishRate(), ledger)) {
            gateway.start();
            publisher.start();
            awaitFirstDelivery();
            long deadline = startNanos + (long) (o.minutes() * 60e9);
            faults(deadline);
            log("faults over; draining");
            restoreAll();
            publisher.finish(30);
            // Stopped devices make no more readings: once the queue is empty, nothing more can come.
            devices.close();
            drain(ops);
            lastAccepted = lastRunAccepted(ops);
            lastDelivered = ledger.distinctOf(ledger.lastEpoch());
            if (consumer.sessionsLost() > 0) {
                log("warning: the cloud broker lost the consumer's session %d time(s)", consumer.sessionsLost());
            }
        } finally {
            gateway.stop();
            link.close();
            cloud.close();
            devices.close();
        }
        SoakReport report = new SoakReport(o.seed(), (System.nanoTime() - startNanos) / 60e9, ledger.counts(),
                Map.copyOf(done), lastAccepted, lastDelivered);
        log("%s", report.text());
        return report;
    }

    private String config(int mqttPort, int httpPort) {
        GatewayYaml y = new GatewayYaml("soak-gw", "soak", o.work().resolve("data"), "{site}/q1/{device}/{point}")
                .localPorts(mqttPort, httpPort)
                .upstream(link.port(), List.of(new GatewayYaml.Forward("soak/q1/#", "cloud/{topic}", 1),
                        new GatewayYaml.Forward("soak/q2/#", "cloud/{topic}", 2)),
                        List.of("client-id: soak-gw", "keep-alive: 5s", "stall-timeout: 5s", "connect-timeout: 5s",
                                "backoff: {initial: 200ms, max: 2s}"));
        int[] ports = devices.modbusPorts();
        for (int i = 0; i < ports.length; i++) {
            boolean qos2 = i < o.qos2Devices();
            y.modbus(String.format("m%02d", i), ports[i], devices.map(), "1s",
                    qos2 ? List.of("topic: \"{site}/q2/{device}/{point}\"", "qos: 2") : List.of());
        }
        return y.text();
    }

    private void startCloud() {
        // Persistence keeps sessions and queued messages across a restart; a stop with SIGTERM saves them. Started
        // as root, mosquitto would drop to its own user, which cannot write here: it then keeps nothing.
        cloud = Mosquitto.start(cloudDir, cloudPort, "user " + System.getProperty("user.name"), "persistence true",
                "persistence_location " + cloudDir + "/", "autosave_interval 10", "max_queued_messages 0",
                "max_inflight_messages 100");
    }

    private void awaitFirstDelivery() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (ledger.receivedCount() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("nothing reached the cloud within 3 minutes; see " + gateway.log());
            }
            Thread.sleep(200);
        }
        log("first message at the cloud");
    }

    private void faults(long deadline) throws Exception {
        List<Fault> round = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            if (round.isEmpty()) {
                round.addAll(Arrays.asList(Fault.values()));
                Collections.shuffle(round, random);
            }
            sleepSeconds(3 + random.nextInt(6));
            if (System.nanoTime() >= deadline) {
                break;
            }
            Fault f = round.remove(0);
            int seconds = f.minSeconds + random.nextInt(f.maxSeconds - f.minSeconds + 1);
            log("%s for %d s (received so far %d)", f, seconds, ledger.receivedCount());
            inject(f, seconds);
            done.merge(f, 1, Integer::sum);
        }
    }

    private void inject(Fault f, int seconds) throws Exception {
        switch (f) {
            case LINK_FLAP -> {
                link.down();
                sleepSeconds(seconds);
                link.up();
            }
            case LINK_STALL -> {
                link.blackHole(true);
                sleepSeconds(seconds);
                link.blackHole(false);
            }
            case LINK_SLOW -> {
                link.latency(Duration.ofMillis(300)).bandwidth(16_000);
                sleepSeconds(seconds);
                link.latency(Duration.ZERO).bandwidth(0);
            }
            case GATEWAY_KILL -> {
                gateway.kill();
                sleepSeconds(seconds);
                gateway.start();
            }
            case GATEWAY_KILL_IN_OUTAGE -> {
                link.down();
                int before = 1 + random.nextInt(Math.max(1, seconds - 2));
                sleepSeconds(before);
                gateway.kill();
                sleepSeconds(1 + random.nextInt(3));
                gateway.start();
                sleepSeconds(Math.max(1, seconds - before));
                link.up();
            }
            case DEVICE_RESTART -> {
                int device = random.nextInt(o.devices());
                devices.stopModbus(device);
                sleepSeconds(seconds);
                devices.startModbus(device);
            }
            case CLOUD_RESTART -> {
                cloud.close();
                sleepSeconds(seconds);
                startCloud();
            }
        }
    }

    /** Every fault undone: link healthy, gateway running. */
    private void restoreAll() throws Exception {
        link.stopFlapping();
        link.blackHole(false);
        link.latency(Duration.ZERO).bandwidth(0);
        link.up();
        if (!gateway.isAlive()) {
            gateway.start();
        }
        for (int i = 0; i < o.devices(); i++) {
            devices.startModbus(i);
        }
    }

    /** Waits until the gateway's queue is empty and nothing more arrives at the cloud. */
    private void drain(OpsClient ops) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long lastCount = -1;
        int quietSeconds = 0;
        while (System.nanoTime() < deadline && quietSeconds < 5) {
            Thread.sleep(1000);
            long queued;
            try {
                queued = ops.queuedMessages();
            } catch (IOException e) {
                queued = -1; // still starting
            }
            long count = ledger.receivedCount();
            // With the gateway's queue empty and nothing arriving for 5 s, what is still missing will not come.
            quietSeconds = queued == 0 && count == lastCount ? quietSeconds + 1 : 0;
            lastCount = count;
        }
        log("drained: %s", quietSeconds >= 5 ? "queue empty and nothing more arriving" : "gave up after 5 minutes");
    }

    private long lastRunAccepted(OpsClient ops) {
        try {
            return Math.round(ops.metrics().getOrDefault("outpost_bridge_messages_accepted_total", -1.0));
        } catch (IOException e) {
            log("the gateway's metrics could not be read: %s", e);
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void sleepSeconds(int s) throws InterruptedException {
        Thread.sleep(s * 1000L);
    }

    private void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[soak %6.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9,
                String.format(Locale.ROOT, format, args));
    }

    public static void main(String[] args) throws Exception {
        Arguments a = new Arguments(args);
        Path work = Path.of(a.text("work", "bench/target/soak-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
        Files.createDirectories(work);
        ServiceUnit unit = ServiceUnit.fromSourceTree(Path.of(""));
        String options = a.text("java-opts", "");
        Options o = new Options(Double.parseDouble(a.text("minutes", "30")),
                Long.parseLong(a.text("seed", Long.toString(System.nanoTime()))), a.integer("devices", 20),
                a.integer("qos2-devices", 4), a.integer("points", 50), a.integer("publish-rate", 200),
                a.text("gateway-cp", System.getProperty("java.class.path")),
                options.isBlank() ? unit : unit.withJavaOptions(options), work);
        SoakReport report = run(o);
        System.out.print(report.text());
        System.exit(report.clean() ? 0 : 1);
    }
}
