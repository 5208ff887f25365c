package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.internal.broker.testing.Clients;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 features between independent clients: No Local, shared subscriptions, subscription identifiers, message
 * expiry, user and request/response properties, payload format checks.
 */
class Mqtt5PropertiesIT {

    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.plain(dir);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void no_local_keeps_a_clients_own_messages_from_it() throws Exception {
        Mqtt5BlockingClient c = Clients.v5(broker.port(), "echo");
        Mqtt5BlockingClient other = Clients.v5(broker.port(), "other");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = c.publishes(MqttGlobalPublishFilter.ALL)) {
            c.subscribeWith().topicFilter("chat/#").noLocal(true).send();
            c.publishWith().topic("chat/me").payload("mine".getBytes(StandardCharsets.UTF_8)).send();
            other.publishWith().topic("chat/you").payload("yours".getBytes(StandardCharsets.UTF_8)).send();
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.getTopic().toString()).isEqualTo("chat/you");
            assertThat(in.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
        } finally {
            c.disconnect();
            other.disconnect();
        }
    }

    @Test
    void a_shared_subscription_gives_each_message_to_one_member_of_the_group() throws Exception {
        Mqtt5BlockingClient a = Clients.v5(broker.port(), "worker-a");
        Mqtt5BlockingClient b = Clients.v5(broker.port(), "worker-b");
        Mqtt5BlockingClient solo = Clients.v5(broker.port(), "solo");
        Mqtt5BlockingClient pub = Clients.v5(broker.port(), "pub");
        try (Mqtt5BlockingClient.Mqtt5Publishes inA = a.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes inB = b.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes inSolo = solo.publishes(MqttGlobalPublishFilter.ALL)) {
            a.subscribeWith().topicFilter("$share/historian/site/#").qos(MqttQos.AT_LEAST_ONCE).send();
            b.subscribeWith().topicFilter("$share/historian/site/#").qos(MqttQos.AT_LEAST_ONCE).send();
            solo.subscribeWith().topicFilter("site/#").send();
            int n = 40;
            for (int i = 0; i < n; i++) {
                pub.publishWith().topic("site/p" + i).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {(byte) i}).send();
            }
            Set<String> seen = new HashSet<>();
            int fromA = drain(inA, seen);
            int fromB = drain(inB, seen);
            assertThat(fromA + fromB).isEqualTo(n);
            assertThat(seen).hasSize(n);
            assertThat(fromA).as("round robin").isGreaterThan(0);
            assertThat(fromB).as("round robin").isGreaterThan(0);
            assertThat(drain(inSolo, new HashSet<>())).isEqualTo(n);
        } finally {
            a.disconnect();
            b.disconnect();
            solo.disconnect();
            pub.disconnect();
        }
    }

    private static int drain(Mqtt5BlockingClient.Mqtt5Publishes in, Set<String> seen) throws InterruptedException {
        int n = 0;
        while (true) {
            var p = in.receive(1, TimeUnit.SECONDS);
            if (p.isEmpty()) {
                return n;
            }
            seen.add(p.get().getTopic().toString());
            n++;
        }
    }

    @Test
    void each_delivery_carries_the_identifiers_of_every_matching_subscription() {
        try (RawClient sub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "ids", true, null);
             RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "ids-pub", true, null)) {
            sub.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "plant/+/temp")
                    .properties(intProp(MqttPropertyType.SUBSCRIPTION_IDENTIFIER, 7)).build());
            sub.expect(MqttMessageType.SUBACK);
            sub.send(MqttMessageBuilders.subscribe().messageId(2).addSubscription(MqttQoS.AT_MOST_ONCE, "plant/#")
                    .properties(intProp(MqttPropertyType.SUBSCRIPTION_IDENTIFIER, 300)).build());
            sub.expect(MqttMessageType.SUBACK);
            pub.publish("plant/boiler/temp", 0, 0, new byte[] {1}, null);
            MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            List<Object> ids = new ArrayList<>();
            p.variableHeader().properties().getProperties(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value())
                    .forEach(x -> ids.add(x.value()));
            assertThat(ids).containsExactlyInAnyOrder(7, 300);
            sub.expectNothing(java.time.Duration.ofMillis(500));
        }
    }

    @Test
    void user_and_request_response_properties_pass_through_unchanged() throws Exception {
        Mqtt5BlockingClient requester = Clients.v5(broker.port(), "requester");
        Mqtt5BlockingClient responder = Clients.v5(broker.port(), "responder");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = responder.publishes(MqttGlobalPublishFilter.ALL)) {
            responder.subscribeWith().topicFilter("req/#").send();
            requester.publishWith().topic("req/pump").qos(MqttQos.AT_LEAST_ONCE)
                    .responseTopic("resp/requester").correlationData("c-42".getBytes(StandardCharsets.UTF_8))
                    .contentType("application/json").payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                    .userProperties().add("site", "north").add("site", "south").add("unit", "m3").applyUserProperties()
                    .payload("{\"on\":true}".getBytes(StandardCharsets.UTF_8)).send();
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.getResponseTopic().orElseThrow().toString()).isEqualTo("resp/requester");
            ByteBuffer corr = p.getCorrelationData().orElseThrow();
            byte[] c = new byte[corr.remaining()];
            corr.get(c);
            assertThat(new String(c, StandardCharsets.UTF_8)).isEqualTo("c-42");
            assertThat(p.getContentType().orElseThrow().toString()).isEqualTo("application/json");
            assertThat(p.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
            List<String> props = new ArrayList<>();
            for (Mqtt5UserProperty u : p.getUserProperties().asList()) {
                props.add(u.getName() + "=" + u.getValue());
            }
            assertThat(props).containsExactly("site=north", "site=south", "unit=m3");
        } finally {
            requester.disconnect();
            responder.disconnect();
        }
    }

    @Test
    void message_expiry_is_lowered_by_the_time_spent_queued_and_expired_messages_are_dropped() throws Exception {
        Mqtt5BlockingClient sub = Clients.builder5(broker.port(), "offline-hmi").buildBlocking();
        sub.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
        sub.subscribeWith().topicFilter("exp/#").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        Mqtt5BlockingClient pub = Clients.v5(broker.port(), "exp-pub");
        pub.publishWith().topic("exp/short").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(1).payload(new byte[] {1}).send();
        pub.publishWith().topic("exp/long").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(100).payload(new byte[] {2}).send();
        pub.disconnect();
        org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(2100)).atMost(10, TimeUnit.SECONDS)
                .until(() -> true);
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.getTopic().toString()).isEqualTo("exp/long");
            assertThat(p.getMessageExpiryInterval().orElseThrow()).isBetween(1L, 98L);
            assertThat(in.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
        } finally {
            sub.disconnect();
        }
        assertThat(broker.meters.get("outpost.broker.dropped").tag("reason", "expired").counter().count()).isEqualTo(1);
    }

    @Test
    void a_payload_that_says_utf8_but_is_not_gets_0x99() {
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_5, "utf8", true, null)) {
            pub.publish("text/x", 1, 5, new byte[] {(byte) 0xC3, (byte) 0x28},
                    intProp(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR, 1));
            var ack = pub.expect(MqttMessageType.PUBACK);
            assertThat(((MqttPubReplyMessageVariableHeader) ack.variableHeader()).reasonCode()).isEqualTo((byte) 0x99);
        }
    }

    private static MqttProperties intProp(MqttPropertyType type, int v) {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.IntegerProperty(type.value(), v));
        return p;
    }
}
