package io.outpost.mqtt.internal.bridge.uplink;

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

/**
 * Live data during a backlog replay: with a replay share below 100%, live readings of topics without backlog
 * overtake the backlog (a 32 KB/s link drains it in about eight seconds), live readings of a topic with backlog stay
 * behind that topic's history, and everything arrives in order per topic. With {@code replay-share: 100%} the
 * backlog goes first, as before.
 */
class ReplayShareIT {

    private static final int BACKLOG = 4000;
    private static final int TOPICS = 8;
    private static final int LIVE = 20;

    @TempDir
    Path dir;

    @Test
    void live_readings_of_topics_without_backlog_overtake_a_replayed_backlog_and_every_topic_keeps_its_order()
            throws Exception {
        List<CloudClient.Received> got = replay("30%");
        int lastLive = lastIndex(got, "sites/north-field/live");
        int lastBacklog = lastHistory(got);
        assertThat(lastLive).as("the last live reading arrived before the backlog was through").isLessThan(lastBacklog);
        long backlogBeforeLive = got.subList(0, lastLive).stream()
                .filter(r -> r.topic().contains("backlog-") && Integer.parseInt(r.payload()) < BACKLOG).count();
        assertThat(backlogBeforeLive).as("backlog readings that arrived before the live ones")
                .isLessThan(BACKLOG * 3 / 4);
        assertInOrderPerTopic(got);
    }

    @Test
    void with_a_replay_share_of_100_percent_the_backlog_goes_first() throws Exception {
        List<CloudClient.Received> got = replay("100%");
        assertThat(firstIndex(got, "sites/north-field/live")).isGreaterThan(lastHistory(got));
        assertInOrderPerTopic(got);
    }

    /** Queues a backlog with the link down, brings it up, publishes live readings while it drains; all received. */
    private List<CloudClient.Received> replay(String share) throws Exception {
        try (Mosquitto cloud = BridgeHarness.cloud(dir.resolve("cloud-" + share.replace("%", "")), "max_queued_messages 0");
             BridgeHarness h = new BridgeHarness(dir.resolve("data-" + share.replace("%", "")));
             LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            link.down();
            h.start("""
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        backoff: {initial: 100ms, max: 500ms}
                        rate-limit: 32KB/s
                        replay-share: %s
                        will: off
                        forward:
                          - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                    """.formatted(link.port(), share));
            h.local.publishNumbered("north-field/backlog-", TOPICS, BACKLOG, 500, "%06d");
            await().atMost(Duration.ofSeconds(60)).until(() -> h.status().queuedMessages() == BACKLOG);

            link.up();
            h.awaitConnected();
            await().atMost(Duration.ofSeconds(30)).until(() -> sub.count() > 0);
            for (int i = 0; i < LIVE; i++) {
                h.local.publish("north-field/live", String.format("%06d", i), 1).toCompletableFuture().join();
                // A live reading of a topic that has a backlog: it must stay behind that topic's history.
                h.local.publish("north-field/backlog-0", String.format("%06d", BACKLOG + i), 1).toCompletableFuture().join();
            }
            List<CloudClient.Received> got = sub.awaitCount(BACKLOG + 2 * LIVE, Duration.ofMinutes(2));
            assertThat(got).hasSize(BACKLOG + 2 * LIVE);
            return got;
        }
    }

    private static int lastIndex(List<CloudClient.Received> got, String topicPrefix) {
        for (int i = got.size() - 1; i >= 0; i--) {
            if (got.get(i).topic().startsWith(topicPrefix)) {
                return i;
            }
        }
        return -1;
    }

    /** Where the last reading queued during the outage arrived. */
    private static int lastHistory(List<CloudClient.Received> got) {
        for (int i = got.size() - 1; i >= 0; i--) {
            if (got.get(i).topic().contains("/backlog-") && Integer.parseInt(got.get(i).payload()) < BACKLOG) {
                return i;
            }
        }
        return -1;
    }

    private static int firstIndex(List<CloudClient.Received> got, String topicPrefix) {
        for (int i = 0; i < got.size(); i++) {
            if (got.get(i).topic().startsWith(topicPrefix)) {
                return i;
            }
        }
        return -1;
    }

    private static void assertInOrderPerTopic(List<CloudClient.Received> got) {
        Map<String, String> last = new HashMap<>();
        for (CloudClient.Received r : got) {
            String before = last.put(r.topic(), r.payload());
            assertThat(before == null || before.compareTo(r.payload()) < 0)
                    .as("order on %s: %s after %s", r.topic(), r.payload(), before).isTrue();
        }
    }
}
