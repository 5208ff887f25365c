package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.internal.broker.stats.BrokerStats;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker-wide bounds of {@code limits}: retained messages, persistent sessions, subscriptions and the bytes all
 * session queues hold together. Each is refused with a reason code the client understands (MQTT 5: 0x97 Quota
 * exceeded) or, where MQTT 3.1.1 has none, as the specification allows, and counted.
 */
class QuotasIT {

    @TempDir
    Path dir;

    private static int publishRetained(RawClient c, String topic, int id, byte[] payload) {
        c.send(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE).messageId(id).retained(true)
                .payload(Unpooled.wrappedBuffer(payload)).build());
        MqttMessage ack = c.expect(MqttMessageType.PUBACK);
        return ((MqttPubReplyMessageVariableHeader) ack.variableHeader()).reasonCode() & 0xFF;
    }

    @Test
    void retained_messages_beyond_the_limit_are_refused_and_replacing_or_clearing_one_still_works() {
        try (TestBroker broker = TestBroker.local(dir, "limits: {max-retained-messages: 3, max-retained-bytes: 4KB}");
             RawClient c = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "retainer", true, null)) {
            assertThat(publishRetained(c, "r/1", 1, new byte[] {1})).isZero();
            assertThat(publishRetained(c, "r/2", 2, new byte[] {2})).isZero();
            assertThat(publishRetained(c, "r/3", 3, new byte[] {3})).isZero();
            assertThat(publishRetained(c, "r/4", 4, new byte[] {4})).as("a fourth retained topic").isEqualTo(0x97);
            assertThat(publishRetained(c, "r/1", 5, new byte[] {5})).as("replacing one").isZero();
            assertThat(publishRetained(c, "r/2", 6, new byte[0])).as("clearing one").isZero();
            assertThat(publishRetained(c, "r/4", 7, new byte[] {4})).as("room again").isZero();
            assertThat(publishRetained(c, "r/3", 8, new byte[5000])).as("growing beyond max-retained-bytes").isEqualTo(0x97);
            assertThat(broker.broker.retained().limit().messages()).isEqualTo(3);
            assertThat(broker.broker.stats().quotaRefusals(BrokerStats.Quota.RETAINED)).isEqualTo(2);
        }
        try (TestBroker broker = TestBroker.local(dir.resolve("v3"), "limits: {max-retained-messages: 1}");
             RawClient c = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "retainer-3", true, null)) {
            assertThat(publishRetained(c, "r/1", 1, new byte[] {1})).isZero();
            c.send(MqttMessageBuilders.publish().topicName("r/2").qos(MqttQoS.AT_LEAST_ONCE).messageId(2).retained(true)
                    .payload(Unpooled.wrappedBuffer(new byte[] {2})).build());
            assertThat(c.closedWithin(Duration.ofSeconds(10))).as("MQTT 3.1.1 can only say no by closing").isTrue();
        }
    }

    @Test
    void subscriptions_beyond_the_per_client_and_the_total_limit_are_refused_per_filter() {
        try (TestBroker broker = TestBroker.local(dir, "limits: {max-subscriptions-per-client: 2, max-subscriptions: 3}");
             RawClient five = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "five", true, null);
             RawClient three = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "three", true, null)) {
            assertThat(five.subscribe(1, "a/#", "b/#", "c/#")).containsExactly(1, 1, 0x97);
            assertThat(five.subscribe(2, "a/#")).as("subscribing again to a filter it has").containsExactly(1);
            assertThat(three.subscribe(1, "d/#", "e/#")).as("the fourth of the broker").containsExactly(1, 0x80);
            assertThat(broker.broker.stats().quotaRefusals(BrokerStats.Quota.SUBSCRIPTIONS)).isEqualTo(2);
        }
    }

    @Test
    void a_new_persistent_session_beyond_the_limit_is_refused_and_clean_ones_and_resumes_are_not() {
        try (TestBroker broker = TestBroker.local(dir, "limits: {max-persistent-sessions: 1}")) {
            try (RawClient kept = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "kept", false, null, null)) {
                assertThat(kept.connAckCode()).isZero();
            }
            try (RawClient v3 = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "second-3", false, null, null);
                 RawClient v5 = RawClient.connecting(broker.port(), MqttVersion.MQTT_5, "second-5", false, null, null);
                 RawClient clean = RawClient.connecting(broker.port(), MqttVersion.MQTT_5, "clean", true, null, null);
                 RawClient resumed = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "kept", false, null, null)) {
                assertThat(v3.connAckCode()).isEqualTo((byte) 0x03);
                assertThat(v5.connAckCode()).isEqualTo((byte) 0x97);
                assertThat(clean.connAckCode()).isZero();
                assertThat(resumed.connAckCode()).isZero();
            }
            assertThat(broker.broker.stats().quotaRefusals(BrokerStats.Quota.PERSISTENT_SESSIONS)).isEqualTo(2);
        }
    }

    @Test
    void offline_sessions_queue_no_more_than_the_broker_wide_budget_together() {
        try (TestBroker broker = TestBroker.local(dir, "limits: {max-total-queued-bytes: 8KB}")) {
            for (String id : new String[] {"hist-1", "hist-2"}) {
                try (RawClient h = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, id, false, null, null)) {
                    assertThat(h.connAckCode()).isZero();
                    assertThat(h.subscribe(1, "data/#")).containsExactly(1);
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    !broker.broker.sessions().get("hist-1").online() && !broker.broker.sessions().get("hist-2").online());
            try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "plc", true, null)) {
                for (int i = 1; i <= 40; i++) {
                    pub.publish("data/x", 1, i, new byte[500], null);
                    pub.expect(MqttMessageType.PUBACK);
                }
            }
            // 2 x 40 x (500 + topic + 64) bytes were offered; 8 KB fit (14 messages), the other 66 are dropped as the
            // sessions' threads take their deliveries.
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> broker.broker.stats().droppedFor(BrokerStats.Drop.TOTAL_QUEUE_FULL) == 66);
            assertThat(broker.meters.get("outpost.broker.queued.bytes").gauge().value()).isBetween(7_000.0, 8_192.0);
            try (RawClient h = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "hist-1", false, null, null)) {
                assertThat(h.connAckCode()).isZero();
                assertThat(h.next(Duration.ofSeconds(10))).as("what was queued is delivered").isNotNull();
            }
        }
    }
}
