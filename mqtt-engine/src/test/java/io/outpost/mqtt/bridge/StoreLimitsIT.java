package io.outpost.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store at its limits: a full store with priority classes (a full disk: {@link DiskFullIT}). */
class StoreLimitsIT {

    @TempDir
    Path dir;

    private Mosquitto cloud;
    private BridgeHarness h;

    @BeforeEach
    void startCloud() {
        cloud = BridgeHarness.cloud(dir.resolve("cloud"), "max_queued_messages 0");
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
        cloud.close();
    }

    private void startBridge(Path data, int port, String store) throws Exception {
        h = new BridgeHarness(data);
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    backoff: {initial: 100ms, max: 500ms}
                    store: %s
                    forward:
                      - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                """.formatted(port, store));
    }

    private double dropped(String reason) {
        var c = h.meters.find("outpost.bridge.messages.dropped").tags("upstream", "cloud", "reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void a_full_store_drops_the_oldest_telemetry_keeps_every_alarm_and_sends_alarms_first() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            link.down();
            startBridge(dir.resolve("data"), link.port(), """
                    {max-bytes: 512KB, classes: [{name: alarms, topics: ["north-field/+/alarm/#"], priority: 10, overflow: reject-new}]}""");
            String filler = "x".repeat(300);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 4000; i++) {
                all.add(h.local.publish("north-field/pump/value", i + ":" + filler, 1).toCompletableFuture());
                if (i % 100 == 0) {
                    all.add(h.local.publish("north-field/pump/alarm/high", "alarm-" + i, 1).toCompletableFuture());
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            double evicted = dropped("evicted");
            assertThat(evicted).isPositive();

            link.up();
            await().atMost(Duration.ofSeconds(60)).until(() -> h.status().queuedMessages() == 0);

            List<CloudClient.Received> got = sub.awaitCount((int) (4040 - evicted), Duration.ofSeconds(30));
            List<String> alarms = got.stream().map(CloudClient.Received::payload).filter(p -> p.startsWith("alarm-")).toList();
            List<Integer> telemetry = got.stream().map(CloudClient.Received::payload).filter(p -> !p.startsWith("alarm-"))
                    .map(p -> Integer.parseInt(p.substring(0, p.indexOf(':')))).toList();
            assertThat(alarms).hasSize(40);
            assertThat(telemetry).isSorted().contains(3999).hasSize((int) (4000 - evicted));
            int lastAlarmAt = got.stream().map(CloudClient.Received::payload).toList().indexOf("alarm-3900");
            assertThat(lastAlarmAt).as("alarms overtake the telemetry backlog").isLessThan(100);
            assertThat(h.status().dropped()).containsEntry("evicted", (long) evicted);
        }
    }
}
