package io.outpost.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How fast the bridge is back after the link heals and how fast it notices a stall, at default settings, through
 * the user-space link emulator to a real mosquitto. Each run's figures are appended to
 * {@code target/link-runs.txt} (the satellite guidance in docs/bridge.md quotes them).
 */
class LinkRecoveryIT {

    private static final Path RUNS = Path.of("target", "link-runs.txt");

    @TempDir
    Path dir;

    private Mosquitto cloud;
    private BridgeHarness h;

    @BeforeEach
    void startCloud() {
        cloud = BridgeHarness.cloud(dir.resolve("cloud"), "max_queued_messages 0");
        h = new BridgeHarness(dir.resolve("data"));
    }

    @AfterEach
    void stop() {
        h.close();
        cloud.close();
    }

    /** Default settings but the will (its offline message would be one more message to count). */
    private void startBridge(int port) throws Exception {
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    will: off
                    forward:
                      - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                """.formatted(port));
    }

    private UpstreamStatus status() {
        return h.status();
    }

    private void publish(int from, int to) {
        h.publish("north-field/t", 1, from, to);
    }

    private static List<Integer> distinct(CloudClient sub) {
        return sub.received().stream().map(r -> Integer.parseInt(r.payload())).distinct().sorted().toList();
    }

    static void record(String line) {
        String stamped = Instant.now() + " " + line;
        System.out.println("LINK-RUN " + stamped);
        try {
            Files.createDirectories(RUNS.getParent());
            Files.writeString(RUNS, stamped + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AssertionError("cannot record the run in " + RUNS, e);
        }
    }

    /**
     * One outage: the link is cut while messages are published (so they are in flight and the stall is noticed),
     * stays cut for {@code outage}, heals; returns the milliseconds from the heal to the new connection's CONNACK.
     */
    private long outage(LinkEmulator link, CloudClient sub, int from, Duration outage) {
        long connectedBefore = status().connectedSinceMillis();
        link.cut();
        long cutAt = System.currentTimeMillis();
        publish(from, from + 50);
        await().atMost(Duration.ofSeconds(20)).until(() -> !status().state().equals("connected"));
        long noticedMillis = System.currentTimeMillis() - cutAt;
        long healAt = cutAt + outage.toMillis();
        sleepUntil(healAt);
        link.heal();
        long healed = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            UpstreamStatus s = status();
            return s.state().equals("connected") && s.connectedSinceMillis() > connectedBefore;
        });
        long back = status().connectedSinceMillis() - healed;
        await().atMost(Duration.ofSeconds(30)).until(() -> distinct(sub).size() >= from + 50);
        record(String.format(Locale.ROOT, "cut %d s: stall noticed after %.1f s, heal -> CONNACK %d ms, handshake "
                        + "bytes so far sent %d", outage.toSeconds(), noticedMillis / 1000.0, back,
                (long) h.meters.get("outpost.uplink.handshake.bytes").tags("direction", "sent").functionCounter().count()));
        return back;
    }

    private static void sleepUntil(long millis) {
        // The outage's length is the scenario, not a wait for a condition: the test sleeps through it on purpose.
        long left = millis - System.currentTimeMillis();
        if (left > 0) {
            try {
                TimeUnit.MILLISECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void after_a_cut_heals_the_bridge_is_back_within_two_seconds_also_after_a_long_outage() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            startBridge(link.port());
            h.awaitConnected();
            publish(0, 50);
            sub.awaitCount(50, Duration.ofSeconds(20));

            List<Long> back = new ArrayList<>();
            int from = 50;
            for (Duration d : List.of(Duration.ofSeconds(8), Duration.ofSeconds(20), Duration.ofSeconds(75))) {
                back.add(outage(link, sub, from, d));
                from += 50;
            }

            assertThat(back).as("heal -> CONNACK, ms, per outage").allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(2_000));
            assertThat(distinct(sub)).isEqualTo(IntStream.range(0, from).boxed().toList());
            double handshake = h.meters.get("outpost.uplink.handshake.bytes").tags("direction", "sent").functionCounter().count();
            double sent = h.meters.get("outpost.uplink.bytes").tags("direction", "sent").functionCounter().count();
            assertThat(handshake).as("probes are counted").isGreaterThan(0);
            assertThat(sent).as("handshakes are part of the uplink bytes").isGreaterThan(handshake);
        }
    }

    @Test
    void a_30_s_black_hole_is_noticed_within_10_s_and_connect_attempts_in_it_give_up_as_fast() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            startBridge(link.port());
            h.awaitConnected();
            AtomicBoolean running = new AtomicBoolean(true);
            // A steady flow, as from a gateway's points: 20 messages a second.
            CompletableFuture<Integer> publisher = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                while (running.get()) {
                    h.local.publish("north-field/t0", Integer.toString(n++), 1);
                    try {
                        TimeUnit.MILLISECONDS.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                return n;
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> sub.received().size() >= 60);

            int acceptedBefore = link.connectionsAccepted();
            link.blackHole(true);
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> status().stalls() >= 1);
            long noticed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            sleepUntil(System.currentTimeMillis() + 30_000 - noticed);
            int attempts = link.connectionsAccepted() - acceptedBefore;
            link.blackHole(false);
            long healed = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> status().state().equals("connected"));
            long back = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
            running.set(false);
            int published = publisher.join();
            await().atMost(Duration.ofSeconds(30)).until(() -> distinct(sub).size() == published);
            record(String.format(Locale.ROOT, "black hole 30 s on loopback: stall noticed after %.1f s, %d connect "
                    + "attempts in the black hole, heal -> connected %d ms, %d messages, none lost", noticed / 1000.0,
                    attempts, back, published));

            assertThat(noticed).as("stall noticed after, ms").isLessThanOrEqualTo(10_000);
            assertThat(attempts).as("connect attempts during the rest of the 30 s (each gives up within 10 s)")
                    .isGreaterThanOrEqualTo(2);
            assertThat(distinct(sub)).isEqualTo(IntStream.range(0, published).boxed().toList());
        }
    }

    @Test
    void over_a_700_ms_64_kbit_satellite_link_a_steady_flow_with_bursts_raises_no_false_stall() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            link.latency(Duration.ofMillis(350)).bandwidth(8_000);
            startBridge(link.port());
            h.awaitConnected();
            int n = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int round = 0;
            while (System.nanoTime() < end) {
                // 5 messages a second, and every 15 s a burst of 300 (a device that comes back with its history).
                int count = round % 60 == 30 ? 300 : 1;
                publish(n, n + count);
                n += count;
                round++;
                TimeUnit.MILLISECONDS.sleep(200);
            }
            int published = n;
            await().atMost(Duration.ofSeconds(120)).until(() -> distinct(sub).size() == published);
            UpstreamStatus s = status();
            record(String.format(Locale.ROOT, "satellite 350 ms each way, 8 KB/s, 60 s, %d messages in steady flow and "
                    + "bursts of 300: stalls %d, reconnects %d", published, s.stalls(), s.reconnects()));

            assertThat(s.stalls()).as("false stall alarms").isZero();
            assertThat(s.reconnects()).isZero();
            assertThat(distinct(sub)).isEqualTo(IntStream.range(0, published).boxed().toList());
        }
    }
}
