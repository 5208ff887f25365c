package io.outpost.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.mqtt.internal.bridge.testing.RawMqttPeer;
import io.outpost.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bridge against servers that state limits: Receive Maximum, Maximum Packet Size, persistent QoS 2 sessions. */
class FlowControlTest {

    @TempDir
    Path dir;

    private BridgeHarness h;

    @BeforeEach
    void harness() {
        h = new BridgeHarness(dir.resolve("data"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private void start(int port, int qos) throws Exception {
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    backoff: {initial: 100ms, max: 500ms}
                    forward:
                      - {from: "north-field/#", to: "sites/{topic}", qos: %d}
                """.formatted(port, qos));
    }

    private static long published(RawMqttPeer peer) {
        return peer.packets().stream().filter(p -> p.type() == MqttMessageType.PUBLISH).map(RawMqttPeer.Packet::payload).distinct().count();
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void the_servers_receive_maximum_of_5_is_never_exceeded(int qos) throws Exception {
        try (RawMqttPeer peer = RawMqttPeer.start(5, 0).ackDelay(5)) {
            start(peer.port(), qos);
            h.publish("north-field/t", 3, 0, 300);

            await().atMost(Duration.ofSeconds(60)).until(() -> published(peer) == 300
                    && h.status().queuedMessages() == 0);

            assertThat(peer.violated()).isFalse();
            assertThat(peer.maxInflight()).isEqualTo(5);
            assertThat(h.status().window()).isEqualTo(5);
        }
    }

    @Test
    void a_message_over_the_servers_maximum_packet_size_is_dropped_and_counted_and_the_rest_flows() throws Exception {
        try (RawMqttPeer peer = RawMqttPeer.start(100, 512)) {
            start(peer.port(), 1);
            h.local.publish("north-field/a", "small-1", 1).toCompletableFuture().join();
            h.local.publish("north-field/a", "x".repeat(2000), 1).toCompletableFuture().join();
            h.local.publish("north-field/a", "small-2", 1).toCompletableFuture().join();

            await().atMost(Duration.ofSeconds(20)).until(() -> published(peer) == 2
                    && h.status().queuedMessages() == 0);

            assertThat(peer.packets()).filteredOn(p -> p.type() == MqttMessageType.PUBLISH)
                    .extracting(RawMqttPeer.Packet::payload).containsExactly("small-1", "small-2");
            assertThat(peer.violated()).isFalse();
            assertThat(h.meters.get("outpost.bridge.messages.dropped").tags("upstream", "cloud", "reason", "too-large")
                    .counter().count()).isEqualTo(1);
        }
    }

    @Test
    void after_a_restart_a_released_qos2_message_gets_pubrel_again_never_a_second_publish() throws Exception {
        try (RawMqttPeer peer = RawMqttPeer.start(100, 0).completeQos2(false)) {
            start(peer.port(), 2);
            h.local.publish("north-field/a", "once", 1).toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(20)).until(() -> peer.packets().stream().anyMatch(p -> p.type() == MqttMessageType.PUBREL));
            int packetId = peer.packets().get(0).packetId();
            h.stop();
            peer.completeQos2(true);

            start(peer.port(), 2);

            await().atMost(Duration.ofSeconds(20)).until(() -> h.status().queuedMessages() == 0);
            List<RawMqttPeer.Packet> all = peer.packets();
            assertThat(all).filteredOn(p -> p.type() == MqttMessageType.PUBLISH).hasSize(1);
            assertThat(all).filteredOn(p -> p.type() == MqttMessageType.PUBREL).extracting(RawMqttPeer.Packet::packetId)
                    .containsExactly(packetId, packetId);
        }
    }

    @Test
    void after_a_restart_an_unanswered_qos2_publish_goes_again_with_its_packet_id_and_dup() throws Exception {
        try (RawMqttPeer peer = RawMqttPeer.start(100, 0).acknowledge(false)) {
            start(peer.port(), 2);
            h.local.publish("north-field/a", "once", 1).toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(20)).until(() -> published(peer) == 1);
            h.stop();
            peer.acknowledge(true);

            start(peer.port(), 2);

            await().atMost(Duration.ofSeconds(20)).until(() -> h.status().queuedMessages() == 0);
            List<RawMqttPeer.Packet> publishes = peer.packets().stream().filter(p -> p.type() == MqttMessageType.PUBLISH).toList();
            assertThat(publishes).hasSize(2);
            assertThat(publishes.get(1).packetId()).isEqualTo(publishes.get(0).packetId());
            assertThat(publishes.get(1).dup()).isTrue();
        }
    }

    @Test
    void mosquittos_receive_maximum_of_5_is_honoured_without_a_single_disconnect() throws Exception {
        try (Mosquitto cloud = BridgeHarness.cloud(dir.resolve("cloud"), "max_inflight_messages 5", "max_queued_messages 0");
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 2)) {
            start(cloud.port(), 2);
            await().atMost(Duration.ofSeconds(15)).until(() -> h.status().state().equals("connected"));

            h.publish("north-field/t", 3, 0, 1000);

            sub.awaitCount(1000, Duration.ofSeconds(60));
            assertThat(h.status().window()).isEqualTo(5);
            assertThat(h.status().reconnects()).isZero();
            assertThat(sub.received()).extracting(CloudClient.Received::payload).doesNotHaveDuplicates().hasSize(1000);
        }
    }
}
