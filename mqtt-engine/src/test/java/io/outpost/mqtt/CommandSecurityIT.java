package io.outpost.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.Value;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.TestAdapterFactory;
import io.outpost.mqtt.broker.auth.PasswordFileEditor;
import io.outpost.mqtt.broker.auth.PasswordHasher;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerSection;
import io.outpost.mqtt.internal.broker.testing.Clients;
import io.outpost.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may write to devices through the broker: a command's MQTT 5 response topic is held to the requester's own
 * publish rights and is never a command topic (the answer would be taken for a write), and clients that did not
 * log in send no commands unless {@code anonymous-commands: true}. The engine, the core and a test device are wired
 * as the application wires them.
 */
class CommandSecurityIT {

    @TempDir
    Path dir;
    final TestAdapterFactory adapters = new TestAdapterFactory();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    int lan;
    int local;
    MqttEngine engine;
    CoreServices services;
    GatewayRuntime runtime;

    void start(String brokerKeys) throws Exception {
        Path passwd = dir.resolve("passwd");
        PasswordFileEditor users = new PasswordFileEditor(passwd, new PasswordHasher(1_000, new SecureRandom()));
        users.setPassword("operator", "op-pw".toCharArray());
        users.setPassword("admin", "admin-pw".toCharArray());
        lan = FreePorts.tcp();
        local = FreePorts.tcp();
        String yaml = """
                gateway: {id: gw, site: site, data-dir: %s}
                broker:
                  listeners:
                    - {name: lan, type: tcp, bind: 0.0.0.0, port: %d}
                    - {name: local, type: tcp, bind: 127.0.0.1, port: %d}
                  password-file: %s
                  acl:
                    - {user: operator, topic: "site/#", access: read}
                    - {user: operator, topic: "site/dev/a/set", access: write}
                    - {user: operator, topic: "replies/operator/#", access: readwrite}
                    - {user: admin, topic: "#"}
                    - {topic: "site/#", access: read}
                    - {topic: "site/dev/a/set", access: write}
                %s
                devices:
                  - id: dev
                    protocol: test
                    poll-interval: 100ms
                    points:
                      - {id: a, address: 1, type: int16, writable: true}
                      - {id: b, address: 2, type: int16, writable: true}
                """.formatted(dir, lan, local, passwd, brokerKeys.indent(2));
        AdapterCatalog catalog = new AdapterCatalog(List.of(adapters));
        GatewayConfig config = new ConfigLoader(catalog, List.of(new BrokerSection()), PayloadFormats.standard().names(),
                new Interpolator(n -> null)).parse(yaml, dir.resolve("gw.yaml"));
        engine = new MqttEngine(config.section(BrokerSection.KEY, BrokerConfig.class).orElseThrow(), meters,
                Clock.systemUTC());
        engine.start();
        services = CoreServices.production(meters);
        runtime = new GatewayRuntime(config.gateway(), catalog, engine, PayloadFormats.standard(), services,
                GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ZERO);
        runtime.start(config);
        engine.routeCommands(runtime.commands());
    }

    @AfterEach
    void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
            engine.close();
            services.resources().close();
        }
    }

    private Mqtt5BlockingClient user(String name, String password) {
        Mqtt5BlockingClient c = Clients.builder5(lan, name + "-client").simpleAuth().username(name)
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildBlocking();
        c.connect();
        return c;
    }

    /** Sends a command with QoS 1; the PUBACK's reason code. */
    private static int command(Mqtt5BlockingClient c, String topic, String value, String responseTopic) {
        var publish = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(value.getBytes(StandardCharsets.UTF_8));
        if (responseTopic != null) {
            publish.responseTopic(responseTopic).correlationData(new byte[] {7});
        }
        try {
            var result = publish.send();
            return result instanceof com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos1Result q
                    ? q.getPubAck().getReasonCode().getCode() : 0;
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode().getCode();
        }
    }

    @Test
    void a_response_topic_the_requester_may_not_publish_to_refuses_the_command_before_it_writes() throws Exception {
        start("");
        Mqtt5BlockingClient operator = user("operator", "op-pw");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = operator.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(command(operator, "site/dev/b/set", "5", null)).as("b is not the operator's to write").isEqualTo(0x87);
            assertThat(command(operator, "site/dev/a/set", "5", "site/dev/b/set"))
                    .as("the answer would write b as the gateway").isEqualTo(0x87);
            assertThat(command(operator, "site/dev/a/set", "6", "elsewhere/x"))
                    .as("the answer would land where the operator may not publish").isEqualTo(0x87);

            operator.subscribeWith().topicFilter("replies/operator/#").qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(command(operator, "site/dev/a/set", "7", "replies/operator/1")).isZero();
            Mqtt5Publish answer = receiveOn(in, "replies/operator/1");
            assertThat(new String(answer.getPayloadAsBytes(), StandardCharsets.UTF_8)).contains("\"ok\":true");
            assertThat(adapters.adapter("dev").writes()).as("only the allowed command wrote").containsExactly(
                    Map.entry("a", Value.of(7)));
        } finally {
            operator.disconnect();
        }
    }

    @Test
    void a_command_topic_is_never_a_response_topic_even_for_a_user_who_may_write_it() throws Exception {
        start("");
        Mqtt5BlockingClient admin = user("admin", "admin-pw");
        try {
            assertThat(command(admin, "site/dev/a/set", "5", "site/dev/b/set")).isEqualTo(0x87);
            assertThat(command(admin, "site/dev/a/set", "6", "site/dev/a/set")).isEqualTo(0x87);
            assertThat(command(admin, "site/dev/a/set", "7", null)).isZero();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> !adapters.adapter("dev").writes().isEmpty());
            assertThat(adapters.adapter("dev").writes()).containsExactly(Map.entry("a", Value.of(7)));
        } finally {
            admin.disconnect();
        }
    }

    @Test
    void clients_that_did_not_log_in_send_no_commands_by_default() throws Exception {
        start("");
        Mqtt5BlockingClient anonymous = Clients.v5(local, "panel");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = anonymous.publishes(MqttGlobalPublishFilter.ALL)) {
            anonymous.subscribeWith().topicFilter("site/dev/a").qos(MqttQos.AT_LEAST_ONCE).send();
            receiveOn(in, "site/dev/a");
            assertThat(command(anonymous, "site/dev/a/set", "5", null)).as("the ACL grants it; the default does not")
                    .isEqualTo(0x87);
            assertThat(adapters.adapter("dev").writes()).isEmpty();
        } finally {
            anonymous.disconnect();
        }
    }

    @Test
    void anonymous_commands_true_lets_clients_that_did_not_log_in_write_as_the_acl_allows() throws Exception {
        start("anonymous-commands: true");
        Mqtt5BlockingClient anonymous = Clients.v5(local, "panel");
        try {
            assertThat(command(anonymous, "site/dev/a/set", "5", null)).isZero();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> !adapters.adapter("dev").writes().isEmpty());
            assertThat(adapters.adapter("dev").writes()).containsExactly(Map.entry("a", Value.of(5)));
        } finally {
            anonymous.disconnect();
        }
    }

    private static Mqtt5Publish receiveOn(Mqtt5BlockingClient.Mqtt5Publishes in, String topic) throws InterruptedException {
        while (true) {
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("nothing on " + topic));
            if (p.getTopic().toString().equals(topic)) {
                return p;
            }
        }
    }
}
