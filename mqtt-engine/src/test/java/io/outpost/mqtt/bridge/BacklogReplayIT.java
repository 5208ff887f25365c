package io.outpost.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 10-minute-equivalent outage: 100,000 messages queue while the link is down, then all of them reach the cloud,
 * in order per topic, counted by an independent subscriber at the cloud broker.
 */
class BacklogReplayIT {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogReplayIT.class);
    private static final int MESSAGES = 100_000;
    private static final int TOPICS = 50;

    @TempDir
    Path dir;

    @Test
    void a_backlog_of_100000_messages_arrives_completely_and_in_order_per_topic_after_the_outage() throws Exception {
        try (Mosquitto cloud = BridgeHarness.cloud(dir.resolve("cloud"), "max_queued_messages 0");
             BridgeHarness h = new BridgeHarness(dir.resolve("data"));
             LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            link.down();
            h.start("""
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        backoff: {initial: 200ms, max: 1s}
                        forward:
                          - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                    """.formatted(link.port()));
            long publishStart = System.nanoTime();
            h.local.publishNumbered("north-field/device-", TOPICS, MESSAGES, 2000);
            LOG.info("queued {} messages in {} s", MESSAGES, String.format("%.1f", (System.nanoTime() - publishStart) / 1e9));
            await().atMost(Duration.ofSeconds(60)).until(() -> h.status().queuedMessages() == MESSAGES);
            assertThat(sub.count()).isZero();

            long start = System.nanoTime();
            link.up();
            List<CloudClient.Received> got = sub.awaitCount(MESSAGES, Duration.ofMinutes(3));
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("drained {} messages in {} s ({} msg/s)", MESSAGES, String.format("%.1f", seconds),
                    String.format("%.0f", MESSAGES / seconds));

            assertThat(got).hasSize(MESSAGES);
            Map<String, Integer> last = new HashMap<>();
            for (CloudClient.Received r : got) {
                int n = Integer.parseInt(r.payload());
                Integer before = last.put(r.topic(), n);
                assertThat(before == null || before < n).as("order on %s: %s after %s", r.topic(), n, before).isTrue();
            }
            assertThat(got).extracting(CloudClient.Received::payload).doesNotHaveDuplicates();
            await().atMost(Duration.ofSeconds(30)).until(() -> h.status().queuedMessages() == 0);
            assertThat(h.meters.get("outpost.bridge.messages.sent").tags("upstream", "cloud", "kind", "replay").counter().count())
                    .isEqualTo(MESSAGES);
        }
    }
}
