package io.outpost.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Link faults: a stalled link, a half-open connection, failover between servers, a flapping slow link. */
class LinkHealthIT {

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

    /** The upstream counts and parses readings only: no will, whose offline status would be one more message. */
    private void startBridge(String servers, String extra) throws Exception {
        h.start("""
                upstreams:
                  - name: cloud
                    servers: [%s]
                    connect-timeout: 2s
                    backoff: {initial: 100ms, max: 500ms}
                    will: off
                %s
                    forward:
                      - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                """.formatted(servers, extra));
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

    @Test
    void a_link_that_stops_acknowledging_is_declared_stalled_and_recovered() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            startBridge("\"mqtt://127.0.0.1:" + link.port() + "\"", "    keep-alive: 60s\n    stall-timeout: 2s");
            h.awaitConnected();
            publish(0, 100);
            sub.awaitCount(100, Duration.ofSeconds(20));

            link.blackHole(true);
            publish(100, 200);
            await().atMost(Duration.ofSeconds(20)).until(() -> status().stalls() >= 1);
            assertThat(status().lastError()).startsWith("stalled: no acknowledgement");
            link.blackHole(false);

            await().atMost(Duration.ofSeconds(30)).until(() -> distinct(sub).size() == 200);
            assertThat(distinct(sub)).isEqualTo(IntStream.range(0, 200).boxed().toList());
            assertThat(h.meters.get("outpost.bridge.stalls").tags("upstream", "cloud").counter().count()).isGreaterThanOrEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> status().queuedMessages() == 0);
        }
    }

    @Test
    void a_half_open_connection_is_detected_by_keep_alive() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port())) {
            startBridge("\"mqtt://127.0.0.1:" + link.port() + "\"", "    keep-alive: 1s");
            h.awaitConnected();

            link.blackHole(true);

            await().atMost(Duration.ofSeconds(20)).until(() -> status().reconnects() >= 1);
            assertThat(status().lastError()).contains("PINGREQ");
            link.blackHole(false);
            h.awaitConnected();
        }
    }

    @Test
    void the_second_server_takes_over_when_the_first_is_unreachable_and_messages_follow() throws Exception {
        try (Mosquitto second = Mosquitto.start(dir.resolve("second"), "max_queued_messages 0");
             LinkEmulator toFirst = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient atFirst = CloudClient.connect(cloud.port()).subscribe("sites/#", 1);
             CloudClient atSecond = CloudClient.connect(second.port()).subscribe("sites/#", 1)) {
            startBridge("\"mqtt://127.0.0.1:" + toFirst.port() + "\", \"mqtt://127.0.0.1:" + second.port() + "\"", "");
            h.awaitConnected();
            assertThat(status().server()).endsWith(":" + toFirst.port());
            publish(0, 50);
            atFirst.awaitCount(50, Duration.ofSeconds(20));

            toFirst.down();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                UpstreamStatus s = status();
                return s.state().equals("connected") && s.server().endsWith(":" + second.port());
            });
            publish(50, 100);

            await().atMost(Duration.ofSeconds(20)).until(() -> atSecond.received().stream().map(CloudClient.Received::payload)
                    .anyMatch("99"::equals));
            assertThat(atFirst.received()).hasSize(50);
        }
    }

    @Test
    void a_dead_first_server_at_startup_is_skipped() throws Exception {
        try (CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            startBridge("\"mqtt://127.0.0.1:" + FreePorts.tcp() + "\", \"mqtt://127.0.0.1:" + cloud.port() + "\"", "");
            h.awaitConnected();
            publish(0, 10);
            sub.awaitCount(10, Duration.ofSeconds(20));
            assertThat(status().server()).endsWith(":" + cloud.port());
        }
    }

    @Test
    void over_a_flapping_satellite_like_link_every_message_arrives_in_order() throws Exception {
        cloud.close();
        cloud = BridgeHarness.cloud(dir.resolve("wide"), "max_queued_messages 0", "max_inflight_messages 200");
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            link.latency(Duration.ofMillis(150)).bandwidth(64 * 1024);
            startBridge("\"mqtt://127.0.0.1:" + link.port() + "\"", "    stall-timeout: 5s");
            link.flap(Duration.ofSeconds(3), Duration.ofSeconds(1));
            publish(0, 2000);

            await().atMost(Duration.ofSeconds(90)).until(() -> distinct(sub).size() == 2000);
            link.stopFlapping();
            link.up();
            List<Integer> firstArrivals = sub.received().stream().map(r -> Integer.parseInt(r.payload())).distinct().toList();
            assertThat(firstArrivals).isSorted();
            assertThat(status().reconnects()).isGreaterThanOrEqualTo(1);
        }
    }
}
