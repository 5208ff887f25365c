package io.outpost.mqtt.internal.bridge.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A byte budget against a real broker: counted at the socket; low, telemetry is thinned per topic and alarms go in
 * full; used up, telemetry stays queued and alarms still go; the count survives a restart.
 */
class BudgetIT {

    private static final String CONFIG = """
            upstreams:
              - name: cloud
                servers: ["mqtt://127.0.0.1:%d"]
                will: off
                budget: {per: day, bytes: 24KB, low-at: 50%%, min-interval: 1h, keep: [alarms]}
                forward:
                  - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                store:
                  classes:
                    - {name: alarms, topics: ["north-field/+/alarms/#"], priority: 10}
            """;

    @TempDir
    Path dir;

    @Test
    void a_low_budget_thins_telemetry_and_a_used_up_one_holds_it_while_alarms_always_go() throws Exception {
        try (Mosquitto cloud = BridgeHarness.cloud(dir.resolve("cloud"));
             BridgeHarness h = new BridgeHarness(dir.resolve("data"));
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            h.start(CONFIG.formatted(cloud.port()));
            h.awaitConnected();

            // Telemetry, about 60 bytes a message on the link, until the status shows the low mark (it lags a second).
            long[] sent = {0};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if ("low".equals(budgetState(h))) {
                    return true;
                }
                h.publish("north-field/rtu-1/t", 10, sent[0], sent[0] + 20);
                sent[0] += 20;
                return false;
            });
            int before = sub.count();
            h.publish("north-field/rtu-1/thin", 1, 0, 30);
            h.publish("north-field/rtu-1/alarms/high", 1, 0, 5);
            await().atMost(Duration.ofSeconds(20)).until(() -> sub.count() >= before + 6);
            await().atMost(Duration.ofSeconds(20)).until(() -> h.status().queuedMessages() == 0);
            assertThat(sub.received().stream().filter(r -> r.topic().contains("/thin")).count())
                    .as("one reading of a telemetry topic per min-interval").isEqualTo(1);
            assertThat(sub.received().stream().filter(r -> r.topic().contains("/alarms/")).count()).isEqualTo(5);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.status().dropped().getOrDefault("thinned", 0L) >= 29);

            // Alarms may overdraw the budget: they use it up.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if ("exhausted".equals(budgetState(h))) {
                    return true;
                }
                h.publish("north-field/rtu-1/alarms/flood", 1, 0, 50);
                return false;
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> h.status().queuedMessages() == 0);
            h.publish("north-field/rtu-2/held", 1, 0, 3);
            int alarmsBefore = (int) sub.received().stream().filter(r -> r.topic().contains("/alarms/")).count();
            h.publish("north-field/rtu-2/alarms/trip", 1, 0, 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> sub.received().stream()
                    .filter(r -> r.topic().contains("/alarms/")).count() > alarmsBefore);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.status().queuedMessages() == 3);
            // Held, not late: none of it reaches the cloud while the status keeps showing it queued.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                    h.status().queuedMessages() == 3 && sub.received().stream().noneMatch(r -> r.topic().contains("/held")));

            h.stop();
            h.start(CONFIG.formatted(cloud.port()));
            h.awaitConnected();
            await().atMost(Duration.ofSeconds(10)).until(() -> "exhausted".equals(budgetState(h)));
            assertThat(h.status().budget().usedBytes()).isGreaterThanOrEqualTo(24 * 1024);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                    h.status().queuedMessages() == 3 && sub.received().stream().noneMatch(r -> r.topic().contains("/held")));
        }
    }

    private static String budgetState(BridgeHarness h) {
        return h.status() == null || h.status().budget() == null ? "" : h.status().budget().state();
    }
}
