package io.outpost.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.mqtt.internal.bridge.testing.BridgeConfigs;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge on the gateway's own broker (not the in-memory stand-in): MQTT clients on site publish to the built-in
 * broker, their PUBACK waits for the bridge's durable store, and the cloud is mosquitto.
 */
class BuiltInBrokerIT {

    @TempDir
    Path dir;

    private Mosquitto cloud;
    private TestBroker site;
    private Bridge bridge;

    @BeforeEach
    void start() {
        cloud = BridgeHarness.cloud(dir.resolve("cloud"), "max_queued_messages 0");
        site = TestBroker.plain(dir.resolve("broker"));
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        site.close();
        cloud.close();
    }

    private void startBridge(int port, String more) throws Exception {
        bridge = new Bridge(BridgeConfigs.upstreams(dir.resolve("data"), """
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    allow-plaintext: true
                    backoff: {initial: 100ms, max: 500ms}
                %s
                    forward:
                      - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                    reverse:
                      - {from: "commands/pump-station-7/#", to: "north-field/{#}", qos: 1}
                """.formatted(port, more)), BridgeConfigs.identity(dir.resolve("data")), site.broker, new SimpleMeterRegistry());
        bridge.start();
    }

    @Test
    void what_site_clients_publish_during_an_outage_reaches_the_cloud_in_order() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1);
             CloudClient plc = CloudClient.connect(site.port())) {
            link.down();
            startBridge(link.port(), "");
            for (int i = 0; i < 2000; i++) {
                assertThat(plc.publishQos1("north-field/pump-" + (i % 4) + "/flow", Integer.toString(i))).isZero();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> bridge.status("cloud").orElseThrow().queuedMessages() == 2000);

            link.up();

            List<CloudClient.Received> got = sub.awaitCount(2000, Duration.ofSeconds(60));
            Map<String, Integer> last = new HashMap<>();
            for (CloudClient.Received r : got) {
                Integer before = last.put(r.topic(), Integer.parseInt(r.payload()));
                assertThat(before == null || before < Integer.parseInt(r.payload())).isTrue();
            }
            assertThat(sub.distinctPayloads()).isEqualTo(2000);
        }
    }

    @Test
    void a_full_store_refuses_a_site_client_with_quota_exceeded() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient plc = CloudClient.connect(site.port())) {
            link.down();
            startBridge(link.port(), "    store: {max-bytes: 64KB, classes: [{name: default, overflow: reject-new}]}");
            String kb = "x".repeat(1000);
            int reason = 0;
            for (int i = 0; i < 500 && reason == 0; i++) {
                reason = plc.publishQos1("north-field/pump/flow", i + kb);
            }
            assertThat(reason).isEqualTo(0x97);
            await().atMost(Duration.ofSeconds(10)).until(() -> bridge.status("cloud").orElseThrow().dropped().containsKey("store-full"));
        }
    }

    @Test
    void the_upstream_status_is_retained_on_the_built_in_brokers_sys_topic() throws Exception {
        startBridge(cloud.port(), "    status-interval: 1s");
        await().atMost(Duration.ofSeconds(20)).until(() -> bridge.status("cloud").orElseThrow().state().equals("connected"));

        try (CloudClient hmi = CloudClient.connect(site.port()).subscribe("$SYS/outpost/upstreams/#", 0)) {
            List<CloudClient.Received> got = hmi.awaitCount(1, Duration.ofSeconds(20));
            assertThat(got.get(0).topic()).isEqualTo("$SYS/outpost/upstreams/cloud");
            assertThat(got.get(0).retain()).isTrue();
            assertThat(got.get(0).payload()).contains("\"upstream\":\"cloud\"", "\"state\":\"connected\"");
        }
    }

    @Test
    void a_cloud_commands_response_topic_is_mapped_through_the_reverse_rules_or_removed() throws Exception {
        java.util.concurrent.ConcurrentLinkedQueue<io.outpost.core.message.Message> local =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        site.broker.subscribe("north-field/#", 1, false, local::add);
        try (CloudClient operator = CloudClient.connect(cloud.port())) {
            startBridge(cloud.port(), "");
            await().atMost(Duration.ofSeconds(20)).until(() -> bridge.status("cloud").orElseThrow().state().equals("connected"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                // A local command topic named verbatim: the cloud may not make the gateway publish there.
                operator.publish("commands/pump-station-7/tank/setpoint/set", "1", 1, "north-field/pump/speed/set");
                assertThat(local).extracting(io.outpost.core.message.Message::topic).contains("north-field/tank/setpoint/set");
            });
            operator.publish("commands/pump-station-7/tank/level/set", "2", 1, "commands/pump-station-7/replies/7");
            await().atMost(Duration.ofSeconds(20)).until(() -> local.stream()
                    .anyMatch(m -> m.topic().equals("north-field/tank/level/set")));
        }
        assertThat(local).filteredOn(m -> m.topic().equals("north-field/tank/setpoint/set"))
                .allSatisfy(m -> assertThat(m.responseTopic()).isNull());
        assertThat(local).filteredOn(m -> m.topic().equals("north-field/tank/level/set")).singleElement()
                .satisfies(m -> assertThat(m.responseTopic()).isEqualTo("north-field/replies/7"));
    }

    @Test
    void a_cloud_command_reaches_a_site_subscriber() throws Exception {
        try (CloudClient hmi = CloudClient.connect(site.port()).subscribe("north-field/#", 1);
             CloudClient operator = CloudClient.connect(cloud.port())) {
            startBridge(cloud.port(), "");
            await().atMost(Duration.ofSeconds(20)).until(() -> bridge.status("cloud").orElseThrow().state().equals("connected"));

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                operator.publish("commands/pump-station-7/tank/setpoint/set", "7.5", 1);
                assertThat(hmi.received()).extracting(CloudClient.Received::topic).contains("north-field/tank/setpoint/set");
            });
        }
    }
}
