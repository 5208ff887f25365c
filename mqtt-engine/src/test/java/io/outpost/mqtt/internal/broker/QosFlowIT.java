package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QoS 1/2 flows at packet level: in-flight windows (Receive Maximum both ways), re-sends with DUP and of PUBREL on
 * reconnect, QoS 2 duplicates, topic aliases both ways, packet size limits and malformed packets.
 */
class QosFlowIT {

    private static final Duration QUIET = Duration.ofMillis(700);

    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.local(dir, """
                limits: {max-inflight: 3, max-packet-size: 4KB, max-topic-aliases: 4}
                """);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static MqttProperties props(MqttPropertyType type, int value) {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.IntegerProperty(type.value(), value));
        return p;
    }

    private static byte reason(MqttMessage m) {
        if (m.variableHeader() instanceof MqttPubReplyMessageVariableHeader r) {
            return r.reasonCode();
        }
        return ((MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader()).reasonCode();
    }

    private static int id(MqttMessage m) {
        if (m instanceof MqttPublishMessage p) {
            return p.variableHeader().packetId();
        }
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private static String text(MqttPublishMessage p) {
        return new String(ByteBufUtil.getBytes(p.content()), StandardCharsets.UTF_8);
    }

    private static void subscribe(RawClient c, String filter, MqttQoS qos) {
        c.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(qos, filter).build());
        c.expect(MqttMessageType.SUBACK);
    }

    private static MqttMessage ack(MqttMessageType type, int id) {
        MqttQoS q = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, q, false, 0), MqttMessageIdVariableHeader.from(id));
    }

    @Test
    void the_broker_sends_no_more_unacknowledged_messages_than_the_clients_receive_maximum() {
        try (RawClient sub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "slow-hmi", true,
                props(MqttPropertyType.RECEIVE_MAXIMUM, 2));
             RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "plc", true, null)) {
            subscribe(sub, "tank/#", MqttQoS.AT_LEAST_ONCE);
            for (int i = 1; i <= 5; i++) {
                pub.publish("tank/level", 1, i, ("v" + i).getBytes(StandardCharsets.UTF_8), null);
                pub.expect(MqttMessageType.PUBACK);
            }
            MqttPublishMessage p1 = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            MqttPublishMessage p2 = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            assertThat(text(p1)).isEqualTo("v1");
            assertThat(text(p2)).isEqualTo("v2");
            sub.expectNothing(QUIET);
            sub.send(ack(MqttMessageType.PUBACK, id(p1)));
            assertThat(text((MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH))).isEqualTo("v3");
            sub.expectNothing(QUIET);
        }
    }

    @Test
    void a_client_that_exceeds_the_brokers_receive_maximum_is_disconnected_with_0x93() {
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "greedy", true, null)) {
            for (int i = 1; i <= 3; i++) {
                pub.publish("q2/x", 2, i, new byte[] {1}, null);
                pub.expect(MqttMessageType.PUBREC);
            }
            pub.publish("q2/x", 2, 4, new byte[] {1}, null);
            MqttMessage d = pub.expect(MqttMessageType.DISCONNECT);
            assertThat(reason(d)).isEqualTo((byte) 0x93);
            assertThat(pub.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void unacknowledged_qos1_messages_are_sent_again_with_dup_on_reconnect() {
        try (RawClient sub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "hist", false, null);
             RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "plc", true, null)) {
            subscribe(sub, "meter/#", MqttQoS.AT_LEAST_ONCE);
            pub.publish("meter/energy", 1, 9, "42".getBytes(StandardCharsets.UTF_8), null);
            MqttPublishMessage first = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            assertThat(first.fixedHeader().isDup()).isFalse();
            sub.close();
            try (RawClient again = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "hist", false, 60, null)) {
                MqttConnAckMessage ack = (MqttConnAckMessage) again.expect(MqttMessageType.CONNACK);
                assertThat(ack.variableHeader().isSessionPresent()).isTrue();
                MqttPublishMessage resent = (MqttPublishMessage) again.expect(MqttMessageType.PUBLISH);
                assertThat(resent.fixedHeader().isDup()).isTrue();
                assertThat(id(resent)).isEqualTo(id(first));
                assertThat(text(resent)).isEqualTo("42");
                again.send(ack(MqttMessageType.PUBACK, id(resent)));
                again.expectNothing(QUIET);
            }
        }
    }

    @Test
    void an_unanswered_pubrel_is_sent_again_on_reconnect() {
        try (RawClient sub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "q2-sub", false,
                ConnectIT.expiry(300));
             RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "q2-pub", true, null)) {
            subscribe(sub, "valve/#", MqttQoS.EXACTLY_ONCE);
            pub.publish("valve/open", 2, 3, new byte[] {1}, null);
            pub.expect(MqttMessageType.PUBREC);
            pub.send(ack(MqttMessageType.PUBREL, 3));
            pub.expect(MqttMessageType.PUBCOMP);
            MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            assertThat(p.fixedHeader().qosLevel()).isEqualTo(MqttQoS.EXACTLY_ONCE);
            sub.send(ack(MqttMessageType.PUBREC, id(p)));
            assertThat(id(sub.expect(MqttMessageType.PUBREL))).isEqualTo(id(p));
            sub.close();
            try (RawClient again = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "q2-sub", false,
                    ConnectIT.expiry(300))) {
                MqttMessage rel = again.expect(MqttMessageType.PUBREL);
                assertThat(id(rel)).isEqualTo(id(p));
                again.send(ack(MqttMessageType.PUBCOMP, id(p)));
                again.expectNothing(QUIET);
            }
        }
    }

    @Test
    void a_resent_qos2_publish_is_acknowledged_again_but_delivered_once() {
        try (RawClient sub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "once", true, null);
             RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "twice", true, null)) {
            subscribe(sub, "cmd/#", MqttQoS.AT_MOST_ONCE);
            pub.publish("cmd/start", 2, 77, new byte[] {1}, null);
            assertThat(id(pub.expect(MqttMessageType.PUBREC))).isEqualTo(77);
            pub.send(MqttMessageBuilders.publish().topicName("cmd/start").qos(MqttQoS.EXACTLY_ONCE).messageId(77)
                    .payload(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1})).build());
            assertThat(id(pub.expect(MqttMessageType.PUBREC))).isEqualTo(77);
            pub.send(ack(MqttMessageType.PUBREL, 77));
            assertThat(id(pub.expect(MqttMessageType.PUBCOMP))).isEqualTo(77);
            sub.expect(MqttMessageType.PUBLISH);
            sub.expectNothing(QUIET);
        }
    }

    @Test
    void a_pubrel_for_an_unknown_packet_id_gets_pubcomp_0x92() {
        try (RawClient c = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "lost", true, null)) {
            c.send(ack(MqttMessageType.PUBREL, 555));
            MqttMessage comp = c.expect(MqttMessageType.PUBCOMP);
            assertThat(reason(comp)).isEqualTo((byte) 0x92);
        }
    }

    @Test
    void topic_aliases_from_the_client_are_resolved() {
        try (RawClient sub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "alias-sub", true, null);
             RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "alias-pub", true, null)) {
            subscribe(sub, "#", MqttQoS.AT_MOST_ONCE);
            pub.publish("north-field/tank-1/level", 0, 0, "1".getBytes(StandardCharsets.UTF_8),
                    props(MqttPropertyType.TOPIC_ALIAS, 2));
            pub.publish("", 0, 0, "2".getBytes(StandardCharsets.UTF_8), props(MqttPropertyType.TOPIC_ALIAS, 2));
            for (String expected : new String[] {"1", "2"}) {
                MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
                assertThat(p.variableHeader().topicName()).isEqualTo("north-field/tank-1/level");
                assertThat(text(p)).isEqualTo(expected);
            }
        }
    }

    @Test
    void a_topic_alias_above_the_maximum_is_disconnected_with_0x94() {
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "alias-bad", true, null)) {
            pub.publish("a/b", 0, 0, new byte[] {1}, props(MqttPropertyType.TOPIC_ALIAS, 5));
            assertThat(reason(pub.expect(MqttMessageType.DISCONNECT))).isEqualTo((byte) 0x94);
            assertThat(pub.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void the_broker_uses_topic_aliases_towards_clients_that_allow_them() {
        try (RawClient sub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "alias-in", true,
                props(MqttPropertyType.TOPIC_ALIAS_MAXIMUM, 10));
             RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "alias-out", true, null)) {
            subscribe(sub, "plant/#", MqttQoS.AT_MOST_ONCE);
            pub.publish("plant/boiler/temperature", 0, 0, "80".getBytes(StandardCharsets.UTF_8), null);
            pub.publish("plant/boiler/temperature", 0, 0, "81".getBytes(StandardCharsets.UTF_8), null);
            MqttPublishMessage first = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            MqttPublishMessage second = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            Object alias1 = first.variableHeader().properties().getProperty(MqttPropertyType.TOPIC_ALIAS.value()).value();
            Object alias2 = second.variableHeader().properties().getProperty(MqttPropertyType.TOPIC_ALIAS.value()).value();
            assertThat(first.variableHeader().topicName()).isEqualTo("plant/boiler/temperature");
            assertThat(second.variableHeader().topicName()).isEmpty();
            assertThat(alias2).isEqualTo(alias1);
            assertThat(text(second)).isEqualTo("81");
        }
    }

    @Test
    void a_packet_over_the_maximum_size_closes_only_that_connection_with_0x95() {
        try (RawClient big = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "big", true, null);
             RawClient other = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "other", true, null)) {
            big.publish("blob", 0, 0, new byte[8 * 1024], null);
            assertThat(reason(big.expect(MqttMessageType.DISCONNECT))).isEqualTo((byte) 0x95);
            assertThat(big.closedWithin(Duration.ofSeconds(10))).isTrue();
            other.send(MqttMessage.PINGREQ);
            other.expect(MqttMessageType.PINGRESP);
        }
    }

    @Test
    void messages_larger_than_the_clients_maximum_packet_size_are_not_sent_to_it() {
        try (RawClient sub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "tiny", true,
                props(MqttPropertyType.MAXIMUM_PACKET_SIZE, 100));
             RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "pub", true, null)) {
            subscribe(sub, "s/#", MqttQoS.AT_LEAST_ONCE);
            pub.publish("s/big", 1, 1, new byte[500], null);
            pub.publish("s/small", 1, 2, "ok".getBytes(StandardCharsets.UTF_8), null);
            MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            assertThat(p.variableHeader().topicName()).isEqualTo("s/small");
            sub.expectNothing(QUIET);
        }
    }

    @Test
    void a_malformed_packet_is_answered_with_0x81_and_closes_only_that_connection() {
        try (RawClient bad = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "bad", true, null);
             RawClient good = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "good", true, null)) {
            bad.sendBytes(new byte[] {0x36, 0x03, 0x00, 0x01, 'a'}); // PUBLISH with QoS 3 flags
            assertThat(reason(bad.expect(MqttMessageType.DISCONNECT))).isEqualTo((byte) 0x81);
            assertThat(bad.closedWithin(Duration.ofSeconds(10))).isTrue();
            good.send(MqttMessage.PINGREQ);
            good.expect(MqttMessageType.PINGRESP);
            assertThat(broker.meters.get("outpost.broker.malformed").counter().count()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void subscribing_to_an_invalid_filter_is_refused_with_0x8f_for_that_filter_only() {
        try (RawClient c = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "filters", true, null)) {
            c.send(MqttMessageBuilders.subscribe().messageId(4).addSubscription(MqttQoS.AT_LEAST_ONCE, "ok/#")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "bad/#/x").build());
            io.netty.handler.codec.mqtt.MqttSubAckMessage ack =
                    (io.netty.handler.codec.mqtt.MqttSubAckMessage) c.expect(MqttMessageType.SUBACK);
            assertThat(ack.payload().reasonCodes()).containsExactly(1, 0x8F);
        }
    }
}
