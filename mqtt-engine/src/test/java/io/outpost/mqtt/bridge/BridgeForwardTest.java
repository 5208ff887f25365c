package io.outpost.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.core.message.Message;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BridgeForwardTest {

    @TempDir
    Path dir;

    private Mosquitto cloud;
    private CloudClient subscriber;
    private BridgeHarness h;

    @BeforeEach
    void startCloud() {
        cloud = BridgeHarness.cloud(dir.resolve("cloud"));
        h = new BridgeHarness(dir.resolve("data"));
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
        if (subscriber != null) {
            subscriber.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    @ParameterizedTest(name = "MQTT {0}, QoS {1}")
    @CsvSource({"5, 0", "5, 1", "5, 2", "3.1.1, 1", "3.1.1, 2"})
    void local_messages_arrive_at_the_cloud_in_order_per_topic(String version, int qos) throws Exception {
        subscriber = CloudClient.connect(cloud.port()).subscribe("sites/#", 2);
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    mqtt-version: %s
                    forward:
                      - {from: "north-field/#", to: "sites/{topic}", qos: %d}
                """.formatted(cloud.port(), version, qos));
        h.awaitConnected();

        h.publish("north-field/tank-", 2, 0, 400);

        List<CloudClient.Received> got = subscriber.awaitCount(400, Duration.ofSeconds(30));
        assertThat(got).hasSize(400);
        for (String topic : List.of("sites/north-field/tank-0", "sites/north-field/tank-1")) {
            List<Integer> values = got.stream().filter(r -> r.topic().equals(topic)).map(r -> Integer.parseInt(r.payload())).toList();
            assertThat(values).hasSize(200).isSorted();
        }
        if (version.equals("5")) {
            assertThat(got).extracting(CloudClient.Received::messageId).doesNotContainNull().doesNotHaveDuplicates();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> h.status().queuedMessages() == 0);
        assertThat(h.local.forwarderCount()).isEqualTo(1);
        h.stop();
        assertThat(h.local.forwarderCount()).as("a closed bridge takes no more messages").isZero();
    }

    @Test
    void messages_from_before_the_first_connection_are_delivered_and_counted_as_replay() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port())) {
            link.down();
            subscriber = CloudClient.connect(cloud.port()).subscribe("sites/#", 1);
            h.start("""
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        backoff: {initial: 100ms, max: 500ms}
                        forward:
                          - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                    """.formatted(link.port()));
            h.publish("north-field/a", 1, 0, 500);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.status().queuedMessages() == 500);

            link.up();

            List<CloudClient.Received> got = subscriber.awaitCount(500, Duration.ofSeconds(30));
            assertThat(got.stream().map(r -> Integer.parseInt(r.payload())).toList()).isSorted().hasSize(500);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.meters.counter("outpost.bridge.messages.sent",
                    "upstream", "cloud", "kind", "replay").count() == 500);
        }
    }

    @Test
    void reverse_rules_bring_cloud_commands_to_the_local_broker_but_never_echo_them_back() throws Exception {
        subscriber = CloudClient.connect(cloud.port()).subscribe("#", 1);
        List<Message> commands = new CopyOnWriteArrayList<>();
        h.local.subscribe("north-field/#", 1, commands::add);
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    allow-plaintext: true
                    forward:
                      - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                    reverse:
                      - {from: "commands/pump-station-7/#", to: "north-field/{#}", qos: 1}
                """.formatted(cloud.port()));
        h.awaitConnected();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            subscriber.publish("commands/pump-station-7/tank/setpoint/set", "7.5", 1);
            assertThat(commands).isNotEmpty();
        });

        Message cmd = commands.get(0);
        assertThat(cmd.topic()).isEqualTo("north-field/tank/setpoint/set");
        assertThat(new String(cmd.payload(), StandardCharsets.UTF_8)).isEqualTo("7.5");
        h.local.publish("north-field/marker", "after", 1).toCompletableFuture().join();
        subscriber.awaitCount(1, Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.received().stream().anyMatch(r -> r.topic().equals("sites/north-field/marker")));
        assertThat(subscriber.received()).noneMatch(r -> r.topic().startsWith("sites/north-field/tank/setpoint"));
    }

    @Test
    void the_status_is_published_on_a_local_sys_topic_and_as_metrics() throws Exception {
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    status-interval: 1s
                    forward:
                      - {from: "north-field/#", qos: 1}
                """.formatted(cloud.port()));
        h.awaitConnected();
        h.publish("north-field/x", 1, 0, 10);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Message status = h.local.retained("$SYS/outpost/upstreams/cloud");
            assertThat(status).isNotNull();
            String json = new String(status.payload(), StandardCharsets.UTF_8);
            assertThat(json).contains("\"state\":\"connected\"", "\"acked\":10", "\"autonomyHours\"");
        });
        assertThat(h.meters.get("outpost.bridge.state").tags("upstream", "cloud", "state", "connected").gauge().value()).isEqualTo(1);
        assertThat(h.meters.get("outpost.bridge.messages.acked").tags("upstream", "cloud").counter().count()).isEqualTo(10);
        assertThat(h.meters.get("outpost.bridge.autonomy.hours").tags("upstream", "cloud").gauge().value()).isPositive();
    }
}
