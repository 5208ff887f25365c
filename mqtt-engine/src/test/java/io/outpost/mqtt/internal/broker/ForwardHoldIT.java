package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.core.message.Message;
import io.outpost.mqtt.api.DurableForwarder;
import io.outpost.mqtt.internal.broker.forward.ForwardHold;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holding forwarding while the forwarders are replaced (the bridge restarting on a reload): accepted messages wait
 * unacknowledged, go to the new forwarders in order, and are acknowledged once those made them durable; a full hold
 * refuses instead of dropping; QoS 2 stays exactly once.
 */
class ForwardHoldIT {

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

    @Test
    void messages_accepted_during_a_swap_go_to_the_new_forwarder_in_order_and_are_acknowledged_after_it() throws Exception {
        List<String> old = new CopyOnWriteArrayList<>();
        DurableForwarder previous = m -> {
            old.add(payload(m));
            return CompletableFuture.completedFuture(null);
        };
        broker.broker.addForwarder(previous);
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "plc", false, null)) {
            pub.publish("site/a", 1, 1, bytes("1"), null);
            assertThat(id(pub.expect(MqttMessageType.PUBACK))).isEqualTo(1);

            ForwardHold hold = broker.broker.holdForwarding(100, 1 << 20);
            broker.broker.removeForwarder(previous);
            pub.publish("site/a", 1, 2, bytes("2"), null);
            pub.publish("site/b", 2, 3, bytes("3"), null);
            pub.publish("site/a", 1, 4, bytes("4"), null);
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> held() == 3);
            CompletableFuture<Void> core = broker.broker.submit(coreMessage("gw/x", "core"));
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> held() == 4);
            pub.expectNothing(QUIET);
            assertThat(core).isNotDone();

            broker.broker.addForwarder(holding);
            assertThat(hold.release()).isEqualTo(4);
            assertThat(holding.seen).extracting(ForwardHoldIT::payload).containsExactly("2", "3", "4", "core");
            assertThat(old).containsExactly("1");
            pub.expectNothing(QUIET);

            holding.stages.forEach(s -> s.complete(null));
            assertThat(id(pub.expect(MqttMessageType.PUBACK))).isEqualTo(2);
            assertThat(id(pub.expect(MqttMessageType.PUBREC))).isEqualTo(3);
            assertThat(id(pub.expect(MqttMessageType.PUBACK))).isEqualTo(4);
            core.get(10, TimeUnit.SECONDS);

            pub.publish("site/a", 1, 5, bytes("5"), null);
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> holding.stages.size() == 5);
            holding.stages.get(4).complete(null);
            assertThat(id(pub.expect(MqttMessageType.PUBACK))).isEqualTo(5);
        }
    }

    @Test
    void a_qos2_message_sent_again_while_held_is_forwarded_once() {
        ForwardHold hold = broker.broker.holdForwarding(100, 1 << 20);
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "plc", false, null)) {
            pub.publish("site/q2", 2, 7, bytes("once"), null);
            pub.send(duplicate("site/q2", 7, bytes("once")));
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> received() >= 2);
            pub.expectNothing(QUIET);

            broker.broker.addForwarder(holding);
            hold.release();
            holding.stages.forEach(s -> s.complete(null));
            assertThat(id(pub.expect(MqttMessageType.PUBREC))).isEqualTo(7);
            assertThat(id(pub.expect(MqttMessageType.PUBREC))).isEqualTo(7);
            pub.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(7)));
            assertThat(id(pub.expect(MqttMessageType.PUBCOMP))).isEqualTo(7);
        }
        assertThat(holding.seen).extracting(ForwardHoldIT::payload).containsExactly("once");
    }

    @Test
    void a_full_hold_refuses_clients_with_0x97_but_holds_the_cores_messages() throws Exception {
        ForwardHold hold = broker.broker.holdForwarding(2, 1 << 20);
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "plc", true, null)) {
            pub.publish("site/a", 1, 1, bytes("1"), null);
            pub.publish("site/a", 1, 2, bytes("2"), null);
            pub.publish("site/a", 1, 3, bytes("3"), null);
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> hold.refused() == 1);
            CompletableFuture<Void> core = broker.broker.submit(coreMessage("gw/x", "core"));
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> held() == 3);
            // Acknowledgements keep the order of the PUBLISH packets: the refusal waits behind the held ones.
            pub.expectNothing(QUIET);
            assertThat(core).isNotDone();

            broker.broker.addForwarder(holding);
            assertThat(hold.release()).isEqualTo(3);
            assertThat(holding.seen).extracting(ForwardHoldIT::payload).containsExactly("1", "2", "core");
            holding.stages.forEach(s -> s.complete(null));
            assertThat(reason(pub.expect(MqttMessageType.PUBACK))).isEqualTo((byte) 0);
            assertThat(reason(pub.expect(MqttMessageType.PUBACK))).isEqualTo((byte) 0);
            MqttMessage refused = pub.expect(MqttMessageType.PUBACK);
            assertThat(id(refused)).isEqualTo(3);
            assertThat(reason(refused)).isEqualTo((byte) 0x97);
            core.get(10, TimeUnit.SECONDS);
        }
        assertThat(broker.meters.get("outpost.broker.dropped").tag("reason", "rejected").counter().count()).isEqualTo(1);
    }

    @Test
    void a_release_with_no_matching_forwarder_acknowledges_at_once_and_a_second_hold_waits_for_the_first_to_end() {
        ForwardHold hold = broker.broker.holdForwarding(10, 1 << 20);
        assertThatThrownBy(() -> broker.broker.holdForwarding(10, 1 << 20)).isInstanceOf(IllegalStateException.class);
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "plc", true, null)) {
            pub.publish("site/a", 1, 1, bytes("1"), null);
            pub.expectNothing(QUIET);
            assertThat(held()).isEqualTo(1);
            hold.close();
            assertThat(id(pub.expect(MqttMessageType.PUBACK))).isEqualTo(1);
            assertThat(held()).isZero();
        }
        broker.broker.holdForwarding(10, 1 << 20).close();
    }

    private int held() {
        return (int) broker.meters.get("outpost.broker.held").gauge().value();
    }

    private double received() {
        return broker.meters.get("outpost.broker.messages.received").functionCounter().count();
    }

    private static MqttPublishMessage duplicate(String topic, int packetId, byte[] payload) {
        MqttPublishMessage p = MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.EXACTLY_ONCE)
                .messageId(packetId).payload(Unpooled.wrappedBuffer(payload)).retained(false).build();
        return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, true, MqttQoS.EXACTLY_ONCE, false, 0),
                p.variableHeader(), p.payload());
    }

    private static int id(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private static byte reason(MqttMessage m) {
        return m.variableHeader() instanceof MqttPubReplyMessageVariableHeader r ? r.reasonCode() : 0;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String payload(Message m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    private static Message coreMessage(String topic, String payload) {
        return Message.of(topic, bytes(payload), 1, false, Message.ORIGIN_GATEWAY, System.currentTimeMillis());
    }
}
