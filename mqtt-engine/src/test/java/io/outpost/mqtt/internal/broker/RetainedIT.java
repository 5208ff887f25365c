package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import io.outpost.mqtt.internal.broker.testing.Clients;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retained messages: set, replace, clear, delivery on subscribe honouring Retain Handling, retain-as-published. */
class RetainedIT {

    @TempDir
    Path dir;
    TestBroker broker;
    Mqtt5BlockingClient pub;

    @BeforeEach
    void start() {
        broker = TestBroker.plain(dir);
        pub = Clients.v5(broker.port(), "publisher");
    }

    @AfterEach
    void stop() {
        pub.disconnect();
        broker.close();
    }

    private void retain(String topic, String payload) {
        pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }

    private static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void the_last_retained_value_is_delivered_on_subscribe_and_an_empty_payload_clears_it() throws Exception {
        retain("site/tank/level", "1.0");
        retain("site/tank/level", "2.5");
        retain("site/pump/state", "on");
        Mqtt5BlockingClient sub = Clients.v5(broker.port(), "hmi");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("site/tank/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.getTopic().toString()).isEqualTo("site/tank/level");
            assertThat(text(p)).isEqualTo("2.5");
            assertThat(p.isRetain()).isTrue();
            assertThat(in.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
        } finally {
            sub.disconnect();
        }
        retain("site/tank/level", "");
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> broker.broker.retained().get("site/tank/level", System.currentTimeMillis()) == null);
        Mqtt5BlockingClient late = Clients.v5(broker.port(), "late");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = late.publishes(MqttGlobalPublishFilter.ALL)) {
            late.subscribeWith().topicFilter("site/#").send();
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.getTopic().toString()).isEqualTo("site/pump/state");
            assertThat(in.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
        } finally {
            late.disconnect();
        }
    }

    @Test
    void retain_handling_1_sends_retained_only_for_a_new_subscription_and_2_never() throws Exception {
        retain("a/b", "x");
        Mqtt5BlockingClient sub = Clients.v5(broker.port(), "rh");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("a/+").retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
            assertThat(in.receive(10, TimeUnit.SECONDS)).isPresent();
            sub.subscribeWith().topicFilter("a/+").retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
            sub.subscribeWith().topicFilter("a/#").retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
            assertThat(in.receive(700, TimeUnit.MILLISECONDS)).isEmpty();
            sub.subscribeWith().topicFilter("a/+").retainHandling(Mqtt5RetainHandling.SEND).send();
            assertThat(in.receive(10, TimeUnit.SECONDS)).isPresent();
        } finally {
            sub.disconnect();
        }
    }

    @Test
    void live_messages_carry_the_retain_flag_only_with_retain_as_published() throws Exception {
        Mqtt5BlockingClient plain = Clients.v5(broker.port(), "plain");
        Mqtt5BlockingClient rap = Clients.v5(broker.port(), "rap");
        try (Mqtt5BlockingClient.Mqtt5Publishes inPlain = plain.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes inRap = rap.publishes(MqttGlobalPublishFilter.ALL)) {
            plain.subscribeWith().topicFilter("live/#").send();
            rap.subscribeWith().topicFilter("live/#").retainAsPublished(true).send();
            retain("live/x", "1");
            Optional<Mqtt5Publish> a = inPlain.receive(10, TimeUnit.SECONDS);
            Optional<Mqtt5Publish> b = inRap.receive(10, TimeUnit.SECONDS);
            assertThat(a.orElseThrow().isRetain()).isFalse();
            assertThat(b.orElseThrow().isRetain()).isTrue();
        } finally {
            plain.disconnect();
            rap.disconnect();
        }
    }

    @Test
    void wildcard_subscriptions_do_not_see_dollar_topics_but_explicit_ones_do() throws Exception {
        Mqtt5BlockingClient sub = Clients.v5(broker.port(), "dollar");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("#").send();
            sub.subscribeWith().topicFilter("+/broker/uptime").send();
            assertThat(in.receive(700, TimeUnit.MILLISECONDS)).as("no $SYS for # or +").isEmpty();
            sub.subscribeWith().topicFilter("$SYS/broker/uptime").send();
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.getTopic().toString()).isEqualTo("$SYS/broker/uptime");
            assertThat(text(p)).endsWith(" seconds");
        } finally {
            sub.disconnect();
        }
    }
}
