package io.outpost.mqtt.internal.bridge.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGKILL of the gateway process at random moments, while it publishes live and while it replays a backlog, 24
 * times; then the cloud must hold every message the gateway accepted: QoS 1 at least once, QoS 2 exactly once, and
 * per topic in order of first arrival. The gateway is a child JVM ({@link CrashChild}) killed with
 * {@link Process#destroyForcibly()}; mosquitto is the cloud, reached through a link emulator that takes the link
 * down for the backlog runs.
 */
class CrashRecoveryIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryIT.class);
    private static final int KILLS = 24;

    @TempDir
    Path dir;

    @Test
    void nothing_accepted_is_lost_and_no_qos2_message_is_duplicated_across_24_kills() throws Exception {
        assumeTrue(Mosquitto.installed(), "mosquitto is not installed (Debian package mosquitto); skipping");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        LOG.info("kill points from seed {}", seed);
        Path data = dir.resolve("data");
        Path state = Files.createDirectories(dir.resolve("state"));
        try (Mosquitto cloud = Mosquitto.start(dir.resolve("cloud"), "max_queued_messages 0", "max_inflight_messages 100");
             LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("c/#", 2)) {
            for (int i = 0; i < KILLS; i++) {
                boolean outage = i % 3 == 1;
                boolean replay = i % 3 == 2;
                if (outage) {
                    link.down();
                } else {
                    link.up();
                }
                int acceptedBefore = CrashChild.accepted(state).size();
                int receivedBefore = sub.count();
                try (ExternalProcess child = child(data, state, link.port(), "publish", "child-" + i)) {
                    child.awaitLine("READY"::equals, Duration.ofSeconds(60));
                    int step = 100 + random.nextInt(2000);
                    if (replay) {
                        // Kill while the backlog of the previous run is being sent.
                        await().atMost(Duration.ofSeconds(60)).until(() -> sub.count() >= receivedBefore + step);
                    } else {
                        await().atMost(Duration.ofSeconds(60)).until(() -> CrashChild.accepted(state).size() >= acceptedBefore + step);
                    }
                    child.kill();
                    LOG.info("kill {} ({}): {} accepted so far, {} received", i, outage ? "outage" : replay ? "replay" : "live",
                            CrashChild.accepted(state).size(), sub.count());
                }
            }
            link.up();
            Set<Long> accepted = CrashChild.accepted(state);
            try (ExternalProcess drain = child(data, state, link.port(), "drain", "drain")) {
                drain.awaitLine("READY"::equals, Duration.ofSeconds(60));
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                        .until(() -> received(sub).containsAll(accepted));
            }
            check(accepted, sub.received(), attemptedMax(state));
        }
    }

    private static Set<Long> received(CloudClient sub) {
        Set<Long> out = new HashSet<>();
        sub.received().forEach(r -> out.add(Long.parseLong(r.payload())));
        return out;
    }

    private static void check(Set<Long> accepted, List<CloudClient.Received> received, long attemptedMax) {
        Map<Long, Integer> copies = new HashMap<>();
        Map<String, Long> lastFirst = new HashMap<>();
        List<String> disorder = new ArrayList<>();
        for (CloudClient.Received r : received) {
            long n = Long.parseLong(r.payload());
            if (copies.merge(n, 1, Integer::sum) == 1) {
                Long before = lastFirst.put(r.topic(), n);
                if (before != null && before > n) {
                    disorder.add(r.topic() + ": " + n + " after " + before);
                }
            }
        }
        Set<Long> lost = new TreeSet<>(accepted);
        lost.removeAll(copies.keySet());
        List<Long> qos2Duplicates = copies.entrySet().stream().filter(e -> e.getKey() % 2 == 1 && e.getValue() > 1)
                .map(Map.Entry::getKey).sorted().toList();
        long qos1Duplicates = copies.entrySet().stream().filter(e -> e.getKey() % 2 == 0 && e.getValue() > 1).count();
        LOG.info("{} accepted, {} received ({} distinct), {} QoS 1 duplicates (allowed), {} QoS 2 duplicates",
                accepted.size(), received.size(), copies.size(), qos1Duplicates, qos2Duplicates.size());

        assertThat(accepted).hasSizeGreaterThan(KILLS * 200);
        assertThat(lost).as("accepted but never delivered").isEmpty();
        assertThat(qos2Duplicates).as("QoS 2 messages delivered more than once").isEmpty();
        assertThat(copies.keySet()).as("delivered but never published").allMatch(n -> n <= attemptedMax);
        assertThat(disorder).as("first arrivals out of order per topic").isEmpty();
    }

    private static long attemptedMax(Path state) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(state.resolve("attempted"))).getLong();
    }

    private static ExternalProcess child(Path data, Path state, int port, String mode, String name) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return ExternalProcess.start(name, List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                data.toString(), state.toString(), Integer.toString(port), mode), null);
    }
}
