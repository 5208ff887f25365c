package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection limit, the server's DISCONNECT at shutdown, and the $SYS statistics. */
class LimitsAndSysIT {

    @TempDir
    Path dir;

    private static byte code(MqttMessage m) {
        return ((MqttConnAckMessage) m).variableHeader().connectReturnCode().byteValue();
    }

    @Test
    void connections_beyond_the_limit_are_refused_with_a_code_the_client_understands() {
        try (TestBroker broker = TestBroker.local(dir, """
                limits: {max-connections: 2}
                """);
             RawClient a = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "a", true, null);
             RawClient b = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "b", true, null);
             RawClient c3 = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "c3", true, 60, null);
             RawClient c5 = RawClient.connecting(broker.port(), MqttVersion.MQTT_5, "c5", true, 60, null)) {
            assertThat(code(c3.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x03);
            assertThat(code(c5.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x97);
            assertThat(broker.meters.get("outpost.broker.connections.refused").counter().count()).isEqualTo(2);
            assertThat(a.isOpen() && b.isOpen()).isTrue();
        }
    }

    @Test
    void mqtt5_clients_are_told_when_the_broker_shuts_down() {
        TestBroker broker = TestBroker.plain(dir);
        try (RawClient c = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "told", true, null)) {
            broker.close();
            MqttMessage d = c.expect(MqttMessageType.DISCONNECT);
            assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode()).isEqualTo((byte) 0x8B);
            assertThat(c.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void sys_topics_count_clients_messages_and_bytes() {
        try (TestBroker broker = TestBroker.local(dir, """
                sys-interval: 1s
                """);
             RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "pub", true, null);
             RawClient sys = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "sys", true, null)) {
            for (int i = 0; i < 5; i++) {
                pub.publish("data/x", 0, 0, new byte[100], null);
            }
            sys.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "$SYS/broker/#").build());
            sys.expect(MqttMessageType.SUBACK);
            Map<String, String> values = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && !(Long.parseLong(values.getOrDefault("$SYS/broker/messages/received", "0")) >= 5
                    && "2".equals(values.get("$SYS/broker/clients/connected"))
                    && Long.parseLong(values.getOrDefault("$SYS/broker/bytes/received", "0")) > 500)) {
                MqttMessage m = sys.next(Duration.ofSeconds(2));
                if (m instanceof MqttPublishMessage p) {
                    values.put(p.variableHeader().topicName(), new String(ByteBufUtil.getBytes(p.content()), StandardCharsets.UTF_8));
                }
            }
            assertThat(values).containsEntry("$SYS/broker/clients/connected", "2");
            assertThat(Long.parseLong(values.get("$SYS/broker/messages/received"))).isGreaterThanOrEqualTo(5);
            assertThat(Long.parseLong(values.get("$SYS/broker/bytes/received"))).isGreaterThan(500);
            assertThat(values).containsKeys("$SYS/broker/uptime", "$SYS/broker/messages/sent", "$SYS/broker/bytes/sent",
                    "$SYS/broker/version", "$SYS/broker/clients/total");
        }
    }
}
