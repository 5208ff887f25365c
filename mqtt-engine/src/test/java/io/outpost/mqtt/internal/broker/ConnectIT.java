package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CONNECT validation, CONNACK codes, client id assignment, take-over and keep-alive, packet by packet. */
class ConnectIT {

    private static final Duration SHORT = Duration.ofMillis(500);

    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.local(dir, """
                limits: {max-keep-alive: 2s}
                """);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static byte connAckCode(MqttMessage m) {
        return ((MqttConnAckMessage) m).variableHeader().connectReturnCode().byteValue();
    }

    @Test
    void an_unknown_protocol_level_gets_return_code_1_and_the_connection_closes() {
        try (RawClient c = RawClient.open(broker.port())) {
            // CONNECT, protocol name MQTT, level 6, clean session, keep-alive 60, empty client id.
            c.sendBytes(new byte[] {0x10, 0x0C, 0, 4, 'M', 'Q', 'T', 'T', 6, 2, 0, 60, 0, 0});
            assertThat(connAckCode(c.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x01);
            assertThat(c.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void mqtt311_empty_client_id_without_clean_session_is_rejected_with_code_2() {
        try (RawClient c = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "", false, 60, null)) {
            assertThat(connAckCode(c.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x02);
            assertThat(c.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void mqtt311_empty_client_id_with_clean_session_is_accepted() {
        try (RawClient c = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "", true, 60, null)) {
            MqttConnAckMessage ack = (MqttConnAckMessage) c.expect(MqttMessageType.CONNACK);
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
            assertThat(ack.variableHeader().isSessionPresent()).isFalse();
        }
    }

    @Test
    void mqtt5_empty_client_id_gets_an_assigned_identifier_and_the_broker_limits() {
        try (RawClient c = RawClient.connecting(broker.port(), MqttVersion.MQTT_5, "", true, 60, null)) {
            MqttConnAckMessage ack = (MqttConnAckMessage) c.expect(MqttMessageType.CONNACK);
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
            MqttProperties p = ack.variableHeader().properties();
            assertThat((String) p.getProperty(MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value()).value())
                    .startsWith("outpost-");
            assertThat(p.getProperty(MqttPropertyType.RECEIVE_MAXIMUM.value()).value()).isEqualTo(32);
            assertThat(p.getProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value()).value()).isEqualTo(1 << 20);
            assertThat(p.getProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value()).value()).isEqualTo(32);
        }
    }

    @Test
    void mqtt31_clients_connect_with_the_old_protocol_name() {
        try (RawClient c = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1, "old-plc", true, 60, null)) {
            assertThat(connAckCode(c.expect(MqttMessageType.CONNACK))).isZero();
        }
    }

    @Test
    void a_packet_before_connect_closes_the_connection() {
        try (RawClient c = RawClient.open(broker.port())) {
            c.sendBytes(new byte[] {(byte) 0xC0, 0}); // PINGREQ
            assertThat(c.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void a_second_connect_is_a_protocol_error_with_reason_0x82() {
        try (RawClient c = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "twice", true, null)) {
            c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("twice").build());
            MqttMessage d = c.expect(MqttMessageType.DISCONNECT);
            assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode()).isEqualTo((byte) 0x82);
            assertThat(c.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void a_second_connection_with_the_same_client_id_takes_the_session_over() {
        try (RawClient first = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "plc-1", false, expiry(60));
             RawClient first3 = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "hmi-1", false, null)) {
            try (RawClient second = RawClient.connecting(broker.port(), MqttVersion.MQTT_5, "plc-1", false, 60, expiry(60));
                 RawClient second3 = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "hmi-1", false, 60, null)) {
                MqttMessage d = first.expect(MqttMessageType.DISCONNECT);
                assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode())
                        .isEqualTo((byte) 0x8E);
                assertThat(first.closedWithin(Duration.ofSeconds(10))).isTrue();
                assertThat(first3.closedWithin(Duration.ofSeconds(10))).isTrue();
                MqttConnAckMessage ack = (MqttConnAckMessage) second.expect(MqttMessageType.CONNACK);
                assertThat(ack.variableHeader().isSessionPresent()).isTrue();
                MqttConnAckMessage ack3 = (MqttConnAckMessage) second3.expect(MqttMessageType.CONNACK);
                assertThat(ack3.variableHeader().isSessionPresent()).isTrue();
                assertThat(second.isOpen()).isTrue();
            }
        }
    }

    @Test
    void a_silent_client_is_disconnected_after_one_and_a_half_keep_alives() {
        try (RawClient c = RawClient.connecting(broker.port(), MqttVersion.MQTT_5, "sleepy", true, 1, null)) {
            c.expect(MqttMessageType.CONNACK);
            long start = System.nanoTime();
            MqttMessage d = c.expect(MqttMessageType.DISCONNECT);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode()).isEqualTo((byte) 0x8D);
            assertThat(elapsedMillis).as("not before 1.5 x keep-alive").isGreaterThanOrEqualTo(1_400);
        }
    }

    @Test
    void pings_keep_a_client_connected() {
        try (RawClient c = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "pinger", true, 1, null)) {
            c.expect(MqttMessageType.CONNACK);
            for (int i = 0; i < 6; i++) {
                c.send(MqttMessage.PINGREQ);
                c.expect(MqttMessageType.PINGRESP);
                assertThat(c.next(SHORT)).isNull();
            }
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void mqtt5_clients_without_keep_alive_are_told_the_server_keep_alive() {
        try (RawClient c = RawClient.connecting(broker.port(), MqttVersion.MQTT_5, "forever", true, 0, null)) {
            MqttConnAckMessage ack = (MqttConnAckMessage) c.expect(MqttMessageType.CONNACK);
            assertThat(ack.variableHeader().properties().getProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value()).value())
                    .isEqualTo(2);
            MqttMessage d = c.expect(MqttMessageType.DISCONNECT);
            assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode()).isEqualTo((byte) 0x8D);
        }
    }

    @Test
    void enhanced_authentication_is_refused_with_bad_authentication_method() {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(), "SCRAM-SHA-1"));
        try (RawClient c = RawClient.connecting(broker.port(), MqttVersion.MQTT_5, "scram", true, 60, p)) {
            assertThat(connAckCode(c.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x8C);
            assertThat(c.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void mqtt311_a_will_on_a_wildcard_topic_closes_the_connection() {
        try (RawClient c = RawClient.open(broker.port())) {
            // CONNECT 3.1.1, will + clean session, client id "w", will topic "a/#", will message "x".
            c.sendBytes(new byte[] {0x10, 21, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x06, 0, 60,
                0, 1, 'w', 0, 3, 'a', '/', '#', 0, 1, 'x'});
            assertThat(c.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void mqtt5_a_will_on_a_wildcard_topic_is_refused_with_topic_name_invalid() {
        try (RawClient c = RawClient.open(broker.port())) {
            c.version(MqttVersion.MQTT_5);
            // CONNECT 5, will + clean session, no properties, client id "w", no will properties, topic "a/#".
            c.sendBytes(new byte[] {0x10, 23, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x06, 0, 60, 0,
                0, 1, 'w', 0, 0, 3, 'a', '/', '#', 0, 1, 'x'});
            assertThat(connAckCode(c.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x90);
            assertThat(c.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    static MqttProperties expiry(int seconds) {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), seconds));
        return p;
    }
}
