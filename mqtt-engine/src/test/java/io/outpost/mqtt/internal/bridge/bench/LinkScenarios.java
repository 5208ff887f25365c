package io.outpost.mqtt.internal.bridge.bench;

import io.micrometer.core.instrument.search.Search;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The runs behind the satellite and cellular guidance in docs/bridge.md: the bridge at its default settings (or
 * those the guidance recommends) over the user-space link emulator to a real mosquitto, with a steady flow of
 * readings, bursts, and an outage in the middle. Prints one Markdown row per scenario: false stall alarms while the
 * link was healthy, the measured acknowledgement time and the stall timeout derived from it, how long a cut took
 * to be noticed, heal to CONNACK, the backlog's drain, what probing cost in bytes, link bytes (both ways, at the
 * socket, handshakes included) per reading.
 *
 * <pre>mqtt-engine/bench/bridge-bench.sh links   (or -Dlinks.only=1,3 for some of them)</pre>
 */
public final class LinkScenarios {

    /**
     * One scenario: the link (latency each way, bytes per second), extra upstream keys, a flow of {@code rate}
     * messages per second for {@code flow} with a burst of {@code burst} every 30 s, and an outage (a cut) of
     * {@code outage} at the end of the flow, while the flow goes on.
     */
    record Scenario(String name, Duration oneWay, long bytesPerSecond, String extra, int rate, int burst, Duration flow,
                    Duration outage) {
    }

    private final Path dir;
    private int run;

    private LinkScenarios(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath().resolve("links"));
        LinkScenarios s = new LinkScenarios(dir);
        Duration sat = Duration.ofMillis(350);
        List<Scenario> scenarios = List.of(
                new Scenario("satellite, 700 ms RTT, 64 kbit/s, defaults", sat, 8_000, "", 5, 300,
                        Duration.ofSeconds(90), Duration.ofMinutes(2)),
                new Scenario("satellite, 700 ms RTT, 10 kbit/s, defaults", sat, 1_250, "", 2, 60,
                        Duration.ofSeconds(90), Duration.ofMinutes(2)),
                new Scenario("satellite, 700 ms RTT, 10 kbit/s, batched (cbor-batch, zstd, 5 s)", sat, 1_250,
                        "", 2, 60, Duration.ofSeconds(90), Duration.ofMinutes(2)),
                new Scenario("satellite, 700 ms RTT, 64 kbit/s, 10 min outage, defaults", sat, 8_000, "", 5, 0,
                        Duration.ofSeconds(30), Duration.ofMinutes(10)),
                new Scenario("satellite, 700 ms RTT, 64 kbit/s, 10 min outage, probe-interval 10s", sat, 8_000,
                        "    probe-interval: 10s\n", 5, 0, Duration.ofSeconds(30), Duration.ofMinutes(10)),
                new Scenario("cellular, 120 ms RTT, 1 Mbit/s, defaults", Duration.ofMillis(60), 125_000, "", 20, 1_000,
                        Duration.ofSeconds(60), Duration.ofSeconds(30)));
        String only = System.getProperty("links.only", "");
        System.out.println("| scenario | messages | false stalls | ack time (smoothed) | stall timeout | cut noticed after "
                + "| heal -> CONNACK | backlog drained after heal | probe bytes in the outage | link bytes per reading |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < scenarios.size(); i++) {
            if (only.isEmpty() || List.of(only.split(",")).contains(Integer.toString(i + 1))) {
                System.out.println(s.run(scenarios.get(i), i == 2));
            }
        }
        System.exit(0);
    }

    private String run(Scenario sc, boolean batched) throws Exception {
        Path here = Files.createTempDirectory(dir, "run-" + (++run) + "-");
        BridgeHarness h = new BridgeHarness(here.resolve("data"));
        try (Mosquitto cloud = Mosquitto.start(here.resolve("cloud"), "max_queued_messages 0");
             LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port()).latency(sc.oneWay()).bandwidth(sc.bytesPerSecond());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            String rule = batched
                    ? "      - {from: \"north-field/#\", to: \"sites/{device}\", qos: 1, format: cbor-batch, compression: zstd, "
                            + "batch: {by: device, max-delay: 5s, max-bytes: 16KB}}\n"
                    : "      - {from: \"north-field/#\", to: \"sites/{topic}\", qos: 1}\n";
            h.start("""
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        will: off
                    %s    forward:
                    %s""".formatted(link.port(), sc.extra(), rule));
            await(() -> h.status().state().equals("connected"), Duration.ofSeconds(60));
            long[] n = {0};
            long flowEnd = System.nanoTime() + sc.flow().toNanos();
            long tick = 0;
            while (System.nanoTime() < flowEnd) {
                publish(h, n, sc.rate() + (sc.burst() > 0 && tick % 30 == 15 ? sc.burst() : 0));
                tick++;
                TimeUnit.SECONDS.sleep(1);
            }
            long published = n[0];
            // Batches carry many readings: count readings by what the cloud can check, the number of messages in.
            boolean drained = await(() -> arrived(h, sub, batched, published), Duration.ofMinutes(5));
            UpstreamStatus before = h.status();
            long falseStalls = before.stalls();
            double ackTime = gauge(h, "outpost.bridge.response.time.seconds");
            double stallTimeout = gauge(h, "outpost.bridge.stall.timeout.seconds");
            double handshakeBefore = counter(h, "outpost.uplink.handshake.bytes", "sent")
                    + counter(h, "outpost.uplink.handshake.bytes", "received");
            long connectedBefore = before.connectedSinceMillis();

            link.cut();
            long cutAt = System.nanoTime();
            double noticed = -1;
            long outageEnd = cutAt + sc.outage().toNanos();
            while (System.nanoTime() < outageEnd) {
                publish(h, n, sc.rate());
                if (noticed < 0 && !h.status().state().equals("connected")) {
                    noticed = (System.nanoTime() - cutAt) / 1e9;
                }
                TimeUnit.SECONDS.sleep(1);
            }
            double handshakeOutage = counter(h, "outpost.uplink.handshake.bytes", "sent")
                    + counter(h, "outpost.uplink.handshake.bytes", "received") - handshakeBefore;
            link.heal();
            long healedMillis = System.currentTimeMillis();
            long healedNanos = System.nanoTime();
            await(() -> h.status().state().equals("connected") && h.status().connectedSinceMillis() > connectedBefore,
                    Duration.ofMinutes(5));
            long heal = h.status().connectedSinceMillis() - healedMillis;
            long total = n[0];
            boolean caughtUp = await(() -> arrived(h, sub, batched, total), Duration.ofMinutes(15));
            double drain = (System.nanoTime() - healedNanos) / 1e9;
            double bytes = counter(h, "outpost.uplink.bytes", "sent") + counter(h, "outpost.uplink.bytes", "received");
            return String.format(Locale.ROOT, "| %s | %d%s | %d | %.2f s | %.1f s | %s | %d ms | %s | %,.0f B (%,.0f B/h) | %.1f |",
                    sc.name(), total, drained && caughtUp ? "" : " (not all arrived)", falseStalls, ackTime,
                    stallTimeout, noticed < 0 ? "not noticed" : String.format(Locale.ROOT, "%.1f s", noticed), heal,
                    caughtUp ? String.format(Locale.ROOT, "%.1f s", drain) : "no", handshakeOutage,
                    handshakeOutage / (sc.outage().toSeconds() / 3600.0), bytes / Math.max(1, total));
        } finally {
            h.close();
        }
    }

    /** Publishes {@code count} readings of the core, numbered on from {@code n[0]}, of 10 devices. */
    private static void publish(BridgeHarness h, long[] n, int count) {
        for (int i = 0; i < count; i++) {
            long k = n[0]++;
            h.local.publish(Readings.reading("north-field", "dev" + (k % 10), "t", Value.of((double) k), DataType.FLOAT64,
                    System.currentTimeMillis()));
        }
    }

    /**
     * Whether all {@code n} readings arrived: as distinct messages at the cloud's subscriber, or, batched, as an
     * empty queue (the cloud broker acknowledged every batch).
     */
    private static boolean arrived(BridgeHarness h, CloudClient sub, boolean batched, long n) {
        if (batched) {
            UpstreamStatus s = h.status();
            return s.queuedMessages() == 0 && s.inflight() == 0;
        }
        return sub.distinctPayloads() >= n;
    }

    private static boolean await(BooleanSupplier condition, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return false;
    }

    private static double gauge(BridgeHarness h, String name) {
        var g = Search.in(h.meters).name(name).tags("upstream", "cloud").gauge();
        return g == null ? Double.NaN : g.value();
    }

    private static double counter(BridgeHarness h, String name, String direction) {
        var c = Search.in(h.meters).name(name).tags("upstream", "cloud", "direction", direction).functionCounter();
        return c == null ? 0 : c.count();
    }
}
