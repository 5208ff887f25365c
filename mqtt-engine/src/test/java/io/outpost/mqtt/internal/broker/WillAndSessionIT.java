package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.internal.broker.testing.Clients;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Will messages (with MQTT 5 Will Delay), clean start / clean session and Session Expiry. */
class WillAndSessionIT {

    @TempDir
    Path dir;
    TestBroker broker;
    Mqtt5BlockingClient watcher;
    Mqtt5BlockingClient.Mqtt5Publishes wills;

    @BeforeEach
    void start() {
        broker = TestBroker.plain(dir);
        watcher = Clients.v5(broker.port(), "watcher");
        wills = watcher.publishes(MqttGlobalPublishFilter.ALL);
        watcher.subscribeWith().topicFilter("status/#").qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @AfterEach
    void stop() {
        wills.close();
        watcher.disconnect();
        broker.close();
    }

    private static RawClient withWill(int port, MqttVersion version, String id, int willDelay, int expiry) {
        RawClient c = RawClient.open(port);
        c.version(version);
        MqttProperties willProps = new MqttProperties();
        MqttProperties props = new MqttProperties();
        if (version == MqttVersion.MQTT_5) {
            willProps.add(new MqttProperties.IntegerProperty(MqttPropertyType.WILL_DELAY_INTERVAL.value(), willDelay));
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), expiry));
        }
        c.send(MqttMessageBuilders.connect().protocolVersion(version).clientId(id).cleanSession(expiry == 0)
                .keepAlive(60).willFlag(true).willTopic("status/" + id).willMessage("offline".getBytes(StandardCharsets.UTF_8))
                .willQoS(MqttQoS.AT_LEAST_ONCE).willProperties(willProps).properties(props).build());
        c.expect(MqttMessageType.CONNACK);
        return c;
    }

    private Optional<Mqtt5Publish> will(long millis) throws InterruptedException {
        return wills.receive(millis, TimeUnit.MILLISECONDS);
    }

    @Test
    void mqtt311_will_is_published_when_the_connection_drops_and_not_after_disconnect() throws Exception {
        RawClient dropped = withWill(broker.port(), MqttVersion.MQTT_3_1_1, "plc-7", 0, 0);
        dropped.close();
        Mqtt5Publish p = will(10_000).orElseThrow();
        assertThat(p.getTopic().toString()).isEqualTo("status/plc-7");
        assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("offline");

        RawClient polite = withWill(broker.port(), MqttVersion.MQTT_3_1_1, "plc-8", 0, 0);
        polite.send(MqttMessageBuilders.disconnect().build());
        assertThat(polite.closedWithin(java.time.Duration.ofSeconds(10))).isTrue();
        polite.close();
        assertThat(will(700)).isEmpty();
    }

    @Test
    void mqtt5_will_waits_for_the_will_delay() throws Exception {
        RawClient dropped = withWill(broker.port(), MqttVersion.MQTT_5, "rtu-1", 2, 60);
        long start = System.nanoTime();
        dropped.close();
        Mqtt5Publish p = will(10_000).orElseThrow();
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertThat(p.getTopic().toString()).isEqualTo("status/rtu-1");
        assertThat(waited).as("published after the 2 s will delay").isGreaterThanOrEqualTo(1_900);
    }

    @Test
    void mqtt5_will_is_not_published_when_the_client_returns_within_the_will_delay() throws Exception {
        RawClient dropped = withWill(broker.port(), MqttVersion.MQTT_5, "rtu-2", 5, 60);
        dropped.close();
        try (RawClient back = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "rtu-2", false, ConnectIT.expiry(60))) {
            assertThat(will(6_000)).as("no will: the client came back within the 5 s will delay").isEmpty();
        }
    }

    @Test
    void mqtt5_disconnect_with_will_message_publishes_the_will() throws Exception {
        Mqtt5BlockingClient c = Clients.builder5(broker.port(), "hmi-9").buildBlocking();
        c.connectWith().willPublish().topic("status/hmi-9").payload("gone".getBytes(StandardCharsets.UTF_8))
                .applyWillPublish().send();
        c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
        assertThat(will(10_000).orElseThrow().getTopic().toString()).isEqualTo("status/hmi-9");
    }

    @Test
    void a_session_survives_a_disconnect_until_its_expiry_and_clean_start_discards_it() throws Exception {
        Mqtt5BlockingClient c = Clients.builder5(broker.port(), "hist-1").buildBlocking();
        Mqtt5ConnAck first = c.connectWith().cleanStart(true).sessionExpiryInterval(1).send();
        assertThat(first.isSessionPresent()).isFalse();
        c.subscribeWith().topicFilter("x/#").send();
        c.disconnect();
        Mqtt5ConnAck again = c.connectWith().cleanStart(false).sessionExpiryInterval(1).send();
        assertThat(again.isSessionPresent()).isTrue();
        c.disconnect();
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                .until(() -> broker.broker.sessions().get("hist-1") == null);
        Mqtt5ConnAck expired = c.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        assertThat(expired.isSessionPresent()).isFalse();
        c.disconnect();
        Mqtt5ConnAck clean = c.connectWith().cleanStart(true).send();
        assertThat(clean.isSessionPresent()).isFalse();
        c.disconnect();
    }

    @Test
    void mqtt311_persistent_sessions_queue_qos1_messages_while_the_client_is_away() throws Exception {
        try (RawClient away = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "scada", false, null)) {
            away.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "status/#").build());
            away.expect(MqttMessageType.SUBACK);
        }
        Mqtt5BlockingClient pub = Clients.v5(broker.port(), "pub");
        for (int i = 0; i < 3; i++) {
            pub.publishWith().topic("status/q" + i).qos(i == 0 ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE)
                    .payload(new byte[] {(byte) i}).send();
        }
        pub.disconnect();
        try (RawClient back = RawClient.connecting(broker.port(), MqttVersion.MQTT_3_1_1, "scada", false, 60, null)) {
            assertThat(((MqttConnAckMessage) back.expect(MqttMessageType.CONNACK)).variableHeader().isSessionPresent()).isTrue();
            var p1 = (io.netty.handler.codec.mqtt.MqttPublishMessage) back.expect(MqttMessageType.PUBLISH);
            var p2 = (io.netty.handler.codec.mqtt.MqttPublishMessage) back.expect(MqttMessageType.PUBLISH);
            assertThat(p1.variableHeader().topicName()).isEqualTo("status/q1");
            assertThat(p2.variableHeader().topicName()).isEqualTo("status/q2");
            back.expectNothing(java.time.Duration.ofMillis(500));
        }
        assertThat(broker.meters.get("outpost.broker.dropped").tag("reason", "offline-qos0").counter().count()).isEqualTo(1);
    }
}
