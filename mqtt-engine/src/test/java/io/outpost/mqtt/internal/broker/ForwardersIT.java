package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageRejectedException;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import io.outpost.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract with the bridge: every accepted message goes to every forwarder in order, QoS 1/2 is acknowledged
 * only after every forwarder's stage completed, a refusal becomes reason 0x97 (5.0) or a closed connection
 * (3.1.1); in-process publishers and subscribers use the same routing.
 */
class ForwardersIT {

    private static final Duration QUIET = Duration.ofMillis(600);

    @TempDir
    Path dir;
    TestBroker broker;
    final PendingForwarder holding = new PendingForwarder();

    @BeforeEach
    void start() {
        broker = TestBroker.plain(dir);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static int id(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    @Test
    void qos1_is_acknowledged_only_after_every_forwarder_and_in_publication_order() {
        broker.broker.addForwarder(holding);
        broker.broker.addForwarder(m -> CompletableFuture.completedFuture(null));
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "plc", true, null)) {
            pub.publish("site/a", 1, 1, new byte[] {1}, null);
            pub.publish("site/b", 1, 2, new byte[] {2}, null);
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> holding.stages.size() == 2);
            assertThat(holding.seen).extracting(Message::topic).containsExactly("site/a", "site/b");
            assertThat(holding.seen.get(0).origin()).isEqualTo("plc");
            pub.expectNothing(QUIET);
            holding.stages.get(1).complete(null);
            pub.expectNothing(QUIET);
            holding.stages.get(0).complete(null);
            assertThat(id(pub.expect(MqttMessageType.PUBACK))).isEqualTo(1);
            assertThat(id(pub.expect(MqttMessageType.PUBACK))).isEqualTo(2);
        }
    }

    @Test
    void a_refusing_forwarder_makes_the_broker_answer_0x97_in_mqtt5_and_close_in_mqtt311() {
        broker.broker.addForwarder(m -> CompletableFuture.failedFuture(
                new MessageRejectedException("store-full", "the cloud queue is full")));
        try (RawClient v5 = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "v5", true, null);
             RawClient v3 = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "v3", true, null)) {
            v5.publish("site/x", 1, 7, new byte[] {1}, null);
            MqttMessage ack = v5.expect(MqttMessageType.PUBACK);
            assertThat(((MqttPubReplyMessageVariableHeader) ack.variableHeader()).reasonCode()).isEqualTo((byte) 0x97);
            v5.publish("site/x", 2, 8, new byte[] {1}, null);
            MqttMessage rec = v5.expect(MqttMessageType.PUBREC);
            assertThat(((MqttPubReplyMessageVariableHeader) rec.variableHeader()).reasonCode()).isEqualTo((byte) 0x97);
            v3.publish("site/x", 1, 9, new byte[] {1}, null);
            assertThat(v3.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(broker.meters.get("outpost.broker.dropped").tag("reason", "rejected").counter().count()).isEqualTo(3);
    }

    @Test
    void in_process_publish_completes_after_the_forwarders_and_fails_when_refused() throws Exception {
        broker.broker.addForwarder(holding);
        CompletableFuture<Void> done = broker.broker.publish(message("gw/x", 1)).toCompletableFuture();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> holding.stages.size() == 1);
        assertThat(done).isNotDone();
        holding.stages.get(0).complete(null);
        done.get(10, TimeUnit.SECONDS);
        broker.broker.removeForwarder(holding);
        broker.broker.addForwarder(m -> CompletableFuture.failedFuture(new MessageRejectedException("store-full", "full")));
        CompletableFuture<Void> refused = broker.broker.publish(message("gw/y", 1)).toCompletableFuture();
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(MessageRejectedException.class);
    }

    @Test
    void in_process_subscribers_get_retained_messages_first_then_live_ones_from_network_clients() throws Exception {
        broker.broker.publish(retained("site/tank/level", "1.5")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<Message> got = new CopyOnWriteArrayList<>();
        LocalBroker.LocalSubscription s = broker.broker.subscribe("site/#", 1, got::add);
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "plc", true, null)) {
            pub.publish("site/tank/level", 1, 1, "1.6".getBytes(StandardCharsets.UTF_8), null);
            pub.expect(MqttMessageType.PUBACK);
        }
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> got.size() == 2);
        assertThat(got.get(0).retain()).isTrue();
        assertThat(new String(got.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("1.5");
        assertThat(new String(got.get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("1.6");
        assertThat(got.get(1).origin()).isEqualTo("plc");
        s.close();
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "plc", true, null)) {
            pub.publish("site/tank/level", 1, 2, "1.7".getBytes(StandardCharsets.UTF_8), null);
            pub.expect(MqttMessageType.PUBACK);
        }
        assertThat(got).hasSize(2);
    }

    @Test
    void network_subscribers_get_in_process_messages() {
        try (RawClient sub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "hmi", true, null)) {
            sub.send(io.netty.handler.codec.mqtt.MqttMessageBuilders.subscribe().messageId(1)
                    .addSubscription(io.netty.handler.codec.mqtt.MqttQoS.AT_LEAST_ONCE, "gw/#").build());
            sub.expect(MqttMessageType.SUBACK);
            broker.broker.publish(message("gw/status", 1));
            var p = (io.netty.handler.codec.mqtt.MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            assertThat(p.variableHeader().topicName()).isEqualTo("gw/status");
        }
    }

    @Test
    void clients_can_connect_only_after_listen_so_a_forwarder_registered_after_restore_sees_every_message()
            throws Exception {
        int port = FreePorts.tcp();
        Broker b = new Broker(TestBroker.parse(dir.resolve("split"),
                "listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: " + port + "}]"),
                new SimpleMeterRegistry(), Clock.systemUTC(), 1);
        try {
            b.restore();
            assertThatThrownBy(() -> RawClient.open(port)).as("a connection before listen()").isInstanceOf(Exception.class);
            b.addForwarder(holding);
            b.listen();
            try (RawClient pub = RawClient.connected(port, MqttVersion.MQTT_5, "plc", true, null)) {
                pub.publish("site/a", 1, 1, new byte[] {1}, null);
                Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> holding.stages.size() == 1);
                holding.stages.get(0).complete(null);
                assertThat(id(pub.expect(MqttMessageType.PUBACK))).isEqualTo(1);
            }
            assertThat(holding.seen).extracting(Message::topic).containsExactly("site/a");
        } finally {
            b.close();
        }
    }

    private static Message message(String topic, int qos) {
        return Message.of(topic, "x".getBytes(StandardCharsets.UTF_8), qos, false, Message.ORIGIN_GATEWAY,
                System.currentTimeMillis());
    }

    private static Message retained(String topic, String payload) {
        return Message.of(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true, Message.ORIGIN_GATEWAY,
                System.currentTimeMillis());
    }
}
