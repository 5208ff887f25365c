package io.outpost.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.outpost.core.message.MessageRejectedException;
import io.outpost.mqtt.bridge.testing.BridgeHarness;
import io.outpost.mqtt.bridge.testing.CloudClient;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The store at its limits: a full disk, and a full store with priority classes. */
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

    /** Publishes and returns null when accepted, else the reason it was refused. */
    private String publish(String topic, String payload) {
        try {
            h.local.publish(topic, payload, 1).toCompletableFuture().join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() instanceof MessageRejectedException r ? r.reason() : e.getCause().toString();
        }
    }

    private double dropped(String reason) {
        var c = h.meters.find("outpost.bridge.messages.dropped").tags("upstream", "cloud", "reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void a_full_disk_refuses_messages_with_a_metric_and_a_log_and_they_are_accepted_again_once_space_is_freed() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small tmpfs needs root; skipping");
        Path small = Files.createDirectories(dir.resolve("small"));
        int mounted = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small.toString());
        assumeTrue(mounted == 0, "cannot mount a tmpfs here (no CAP_SYS_ADMIN?); skipping");
        Logger writerLog = (Logger) LoggerFactory.getLogger("io.outpost.mqtt.bridge.store.SegmentWriter");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        writerLog.addAppender(logs);
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            link.down();
            Path filler = small.resolve("filler");
            Files.write(filler, new byte[1200 * 1024]);
            startBridge(small.resolve("data"), link.port(), "{max-bytes: 64MB}");
            String kb = "x".repeat(1000);
            List<String> accepted = new ArrayList<>();
            String refused = null;
            for (int i = 0; i < 5000 && refused == null; i++) {
                refused = publish("north-field/t", i + ":" + kb);
                if (refused == null) {
                    accepted.add(i + ":" + kb);
                }
            }

            assertThat(refused).isEqualTo("disk-full");
            assertThat(accepted).hasSizeGreaterThan(100);
            assertThat(dropped("disk-full")).isGreaterThanOrEqualTo(1);
            assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains("disk-full"));
            assertThat(h.bridge().status("cloud")).isPresent();

            Files.delete(filler);
            for (int i = 0; i < 10; i++) {
                String again = "after-" + i;
                assertThat(publish("north-field/t", again)).isNull();
                accepted.add(again);
            }
            link.up();

            sub.awaitCount(accepted.size(), Duration.ofSeconds(60));
            assertThat(sub.received()).extracting(CloudClient.Received::payload).containsExactlyElementsOf(accepted);
        } finally {
            writerLog.detachAppender(logs);
            if (h != null) {
                h.close();
            }
            run("umount", small.toString());
        }
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

    private static int run(String... command) throws InterruptedException {
        try (ExternalProcess p = ExternalProcess.start(command[0], List.of(command), null)) {
            return p.waitFor(Duration.ofSeconds(30));
        }
    }

}
