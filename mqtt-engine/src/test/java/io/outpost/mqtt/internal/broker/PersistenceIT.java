package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persistent sessions, their queued and in-flight QoS 1/2 messages, and retained messages survive a restart. */
class PersistenceIT {

    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.local(dir, """
                persistence: {interval: 200ms}
                sys-interval: off
                """);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static String text(MqttPublishMessage p) {
        return new String(ByteBufUtil.getBytes(p.content()), StandardCharsets.UTF_8);
    }

    private static MqttMessage reply(MqttMessageType type, int id) {
        MqttQoS q = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, q, false, 0), MqttMessageIdVariableHeader.from(id));
    }

    @Test
    void queued_and_in_flight_messages_and_retained_ones_survive_a_restart() {
        int inflightId;
        try (RawClient hist = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "historian", false, null);
             RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "plc", true, null)) {
            hist.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.EXACTLY_ONCE, "plant/#").build());
            hist.expect(MqttMessageType.SUBACK);
            pub.publish("plant/flow", 1, 1, "in-flight".getBytes(StandardCharsets.UTF_8), null);
            pub.expect(MqttMessageType.PUBACK);
            MqttPublishMessage first = (MqttPublishMessage) hist.expect(MqttMessageType.PUBLISH);
            inflightId = first.variableHeader().packetId();
            hist.close();
            pub.publish("plant/flow", 1, 2, "queued-1".getBytes(StandardCharsets.UTF_8), null);
            pub.expect(MqttMessageType.PUBACK);
            pub.publish("plant/flow", 2, 3, "queued-2".getBytes(StandardCharsets.UTF_8), null);
            pub.expect(MqttMessageType.PUBREC);
            pub.send(reply(MqttMessageType.PUBREL, 3));
            pub.expect(MqttMessageType.PUBCOMP);
            pub.send(MqttMessageBuilders.publish().topicName("plant/setpoint").qos(MqttQoS.AT_LEAST_ONCE).messageId(4)
                    .retained(true).payload(io.netty.buffer.Unpooled.wrappedBuffer("7.5".getBytes(StandardCharsets.UTF_8)))
                    .build());
            pub.expect(MqttMessageType.PUBACK);
        }
        broker = broker.restart();
        try (RawClient hist = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "historian", false, 60, null)) {
            assertThat(((MqttConnAckMessage) hist.expect(MqttMessageType.CONNACK)).variableHeader().isSessionPresent()).isTrue();
            MqttPublishMessage again = (MqttPublishMessage) hist.expect(MqttMessageType.PUBLISH);
            assertThat(again.fixedHeader().isDup()).isTrue();
            assertThat(again.variableHeader().packetId()).isEqualTo(inflightId);
            assertThat(text(again)).isEqualTo("in-flight");
            hist.send(reply(MqttMessageType.PUBACK, inflightId));
            MqttPublishMessage q1 = (MqttPublishMessage) hist.expect(MqttMessageType.PUBLISH);
            assertThat(text(q1)).isEqualTo("queued-1");
            hist.send(reply(MqttMessageType.PUBACK, q1.variableHeader().packetId()));
            MqttPublishMessage q2 = (MqttPublishMessage) hist.expect(MqttMessageType.PUBLISH);
            assertThat(text(q2)).isEqualTo("queued-2");
            assertThat(q2.fixedHeader().qosLevel()).isEqualTo(MqttQoS.EXACTLY_ONCE);
            assertThat(q2.fixedHeader().isDup()).isFalse();
            MqttPublishMessage retained = (MqttPublishMessage) hist.expect(MqttMessageType.PUBLISH);
            assertThat(text(retained)).isEqualTo("7.5");
        }
        try (RawClient late = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "late", true, null)) {
            late.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "plant/+").build());
            late.expect(MqttMessageType.SUBACK);
            MqttPublishMessage r = (MqttPublishMessage) late.expect(MqttMessageType.PUBLISH);
            assertThat(r.fixedHeader().isRetain()).isTrue();
            assertThat(text(r)).isEqualTo("7.5");
        }
    }

    @Test
    void a_qos2_message_waiting_for_pubrel_is_completed_after_a_restart() {
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "q2-plc", false, ConnectIT.expiry(600))) {
            pub.publish("valve/cmd", 2, 11, new byte[] {1}, null);
            pub.expect(MqttMessageType.PUBREC);
        }
        broker = broker.restart();
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "q2-plc", false, ConnectIT.expiry(600))) {
            pub.send(reply(MqttMessageType.PUBREL, 11));
            MqttMessage comp = pub.expect(MqttMessageType.PUBCOMP);
            assertThat(((MqttPubReplyMessageVariableHeader) comp.variableHeader()).reasonCode()).isZero();
        }
    }

    @Test
    void a_damaged_state_file_is_moved_aside_and_the_broker_starts_empty() throws Exception {
        try (RawClient c = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "keeper", false, null)) {
            c.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "k/#").build());
            c.expect(MqttMessageType.SUBACK);
        }
        broker.close();
        Path state = dir.resolve("broker/state.bin");
        byte[] bytes = Files.readAllBytes(state);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(state, bytes);
        broker = broker.restart();
        try (var files = Files.list(dir.resolve("broker"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("state.bin.unreadable-"));
        }
        try (RawClient c = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "keeper", false, 60, null)) {
            assertThat(((MqttConnAckMessage) c.expect(MqttMessageType.CONNACK)).variableHeader().isSessionPresent()).isFalse();
        }
    }

    @Test
    void a_start_that_fails_names_the_listener_and_keeps_the_saved_state() throws Exception {
        try (RawClient c = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "survivor", false, null)) {
            c.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "s/#").build());
            c.expect(MqttMessageType.SUBACK);
        }
        broker.close();
        int port = broker.config.listeners().get(0).port();
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> broker.restart())
                    .hasMessageContaining("listener local").hasMessageContaining("127.0.0.1:" + port);
        }
        broker = broker.restart();
        try (RawClient c = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "survivor", false, 60, null)) {
            assertThat(((MqttConnAckMessage) c.expect(MqttMessageType.CONNACK)).variableHeader().isSessionPresent()).isTrue();
        }
    }
}
