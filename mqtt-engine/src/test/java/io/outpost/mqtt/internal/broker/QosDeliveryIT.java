package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.outpost.mqtt.internal.broker.testing.Clients;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** QoS 0, 1 and 2 in both directions with the HiveMQ Java client, MQTT 3.1.1 and 5, in publication order. */
class QosDeliveryIT {

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

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void mqtt5_messages_arrive_in_order_at_the_granted_qos(int qos) throws Exception {
        Mqtt5BlockingClient sub = Clients.v5(broker.port(), "sub-" + qos);
        Mqtt5BlockingClient pub = Clients.v5(broker.port(), "pub-" + qos);
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("site/+/level").qos(MqttQos.fromCode(qos)).send();
            for (int i = 0; i < 200; i++) {
                pub.publishWith().topic("site/t" + (i % 3) + "/level").qos(MqttQos.fromCode(qos))
                        .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("missing"));
                assertThat(p.getQos().getCode()).isEqualTo(qos);
                got.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                expected.add("m" + i);
            }
            assertThat(got).containsExactlyElementsOf(expected);
        } finally {
            pub.disconnect();
            sub.disconnect();
        }
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void mqtt311_messages_arrive_at_the_lower_of_publication_and_subscription_qos(int qos) throws Exception {
        Mqtt3BlockingClient sub = Clients.v3(broker.port(), "sub3-" + qos);
        Mqtt3BlockingClient pub = Clients.v3(broker.port(), "pub3-" + qos);
        try (Mqtt3BlockingClient.Mqtt3Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("a/#").qos(MqttQos.fromCode(qos)).send();
            pub.publishWith().topic("a/b").qos(MqttQos.EXACTLY_ONCE).payload(new byte[] {1, 2, 3}).send();
            Mqtt3Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.getQos().getCode()).isEqualTo(qos);
            assertThat(p.getPayloadAsBytes()).containsExactly(1, 2, 3);
            assertThat(p.isRetain()).isFalse();
        } finally {
            pub.disconnect();
            sub.disconnect();
        }
    }
}
