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
import io.outpost.core.logic.alarm.AlarmService;
import io.outpost.core.logic.alarm.AlarmSnapshot;
import io.outpost.core.logic.alarm.AlarmStateFile;
import io.outpost.core.logic.alarm.AlarmStatus;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledging and shelving alarms over MQTT goes through the broker's checks like a write to a device: the ACL of
 * the publisher as it stands when the command arrives, no commands from clients that did not log in; the alarm
 * records the user who acted. Engine, core, alarms and a test device wired as the application wires them.
 */
class AlarmCommandSecurityIT {

    private static final String ALARM = "site/gw/alarms/dev/a";

    @TempDir
    Path dir;
    final TestAdapterFactory adapters = new TestAdapterFactory();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ExecutorService saver = Executors.newSingleThreadExecutor();
    int lan;
    int local;
    Path passwd;
    MqttEngine engine;
    CoreServices services;
    GatewayRuntime runtime;
    AlarmService alarms;

    private String yaml(String operatorRights) {
        return """
                gateway: {id: gw, site: site, data-dir: %s}
                broker:
                  listeners:
                    - {name: lan, type: tcp, bind: 0.0.0.0, port: %d}
                    - {name: local, type: tcp, bind: 127.0.0.1, port: %d}
                  password-file: %s
                  acl:
                    - {user: operator, topic: "site/#", access: read}
                %s
                    - {user: viewer, topic: "site/#", access: read}
                    - {user: viewer, topic: "site/gw/alarms/+/+/set", access: deny}
                    - {topic: "site/#", access: readwrite}
                devices:
                  - id: dev
                    protocol: test
                    poll-interval: 100ms
                    points:
                      - id: a
                        address: 1
                        type: int16
                        alarms: {hi: {limit: 10, message: A too high}}
                """.formatted(dir, lan, local, passwd, operatorRights.indent(4));
    }

    private GatewayConfig load(String yaml) throws Exception {
        return new ConfigLoader(new AdapterCatalog(List.of(adapters)), List.of(new BrokerSection()),
                PayloadFormats.standard().names(), new Interpolator(n -> null)).parse(yaml, dir.resolve("gw.yaml"));
    }

    void start() throws Exception {
        passwd = dir.resolve("passwd");
        PasswordFileEditor users = new PasswordFileEditor(passwd, new PasswordHasher(1_000, new SecureRandom()));
        users.setPassword("operator", "op-pw".toCharArray());
        users.setPassword("viewer", "view-pw".toCharArray());
        lan = FreePorts.tcp();
        local = FreePorts.tcp();
        GatewayConfig config = load(yaml("- {user: operator, topic: \"site/gw/alarms/+/+/set\", access: write}"));
        engine = new MqttEngine(config.section(BrokerSection.KEY, BrokerConfig.class).orElseThrow(), meters,
                Clock.systemUTC());
        engine.start();
        services = CoreServices.production(meters);
        runtime = new GatewayRuntime(config.gateway(), new AdapterCatalog(List.of(adapters)), engine,
                PayloadFormats.standard(), services, GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ZERO);
        alarms = new AlarmService(config.gateway(), services.scheduler(), runtime.publisher(),
                AlarmStateFile.in(dir), saver);
        alarms.configure(config);
        runtime.observeReadings(alarms);
        runtime.start(config);
        adapters.adapter("dev").set("a", Value.of(20L));
        engine.routeCommands(runtime.commands());
        engine.routeAlarmCommands(alarms);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> hi().status() == AlarmStatus.UNACKNOWLEDGED);
    }

    @AfterEach
    void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
            alarms.close();
            engine.close();
            services.resources().close();
        }
        saver.shutdown();
    }

    private AlarmSnapshot hi() {
        return alarms.alarms().get(0);
    }

    private Mqtt5BlockingClient user(String name, String password) {
        Mqtt5BlockingClient c = Clients.builder5(lan, name + "-client").simpleAuth().username(name)
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildBlocking();
        c.connect();
        return c;
    }

    private static int send(Mqtt5BlockingClient c, String payload) {
        try {
            var result = c.publishWith().topic(ALARM + "/set").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
            return result instanceof com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos1Result q
                    ? q.getPubAck().getReasonCode().getCode() : 0;
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode().getCode();
        }
    }

    @Test
    void a_user_without_write_rights_on_the_alarm_topic_cannot_acknowledge_and_one_with_them_can_and_is_recorded()
            throws Exception {
        start();
        Mqtt5BlockingClient viewer = user("viewer", "view-pw");
        Mqtt5BlockingClient anonymous = Clients.v5(local, "panel");
        Mqtt5BlockingClient operator = user("operator", "op-pw");
        try (Mqtt5BlockingClient.Mqtt5Publishes events = operator.publishes(MqttGlobalPublishFilter.ALL)) {
            operator.subscribeWith().topicFilter(ALARM + "/#").qos(MqttQos.AT_LEAST_ONCE).send();

            assertThat(send(viewer, "{\"action\":\"acknowledge\"}")).as("the viewer is denied alarm commands")
                    .isEqualTo(0x87);
            assertThat(send(anonymous, "{\"action\":\"acknowledge\"}"))
                    .as("the ACL lets anyone write site/#, but alarm commands need a login").isEqualTo(0x87);
            assertThat(hi().status()).isEqualTo(AlarmStatus.UNACKNOWLEDGED);

            assertThat(send(operator, "{\"action\":\"acknowledge\",\"alarm\":\"hi\",\"comment\":\"on my way\"}"))
                    .isZero();

            Mqtt5Publish event = receive(events, ALARM + "/event", "\"event\":\"acknowledged\"");
            assertThat(new String(event.getPayloadAsBytes(), StandardCharsets.UTF_8)).contains("\"by\":\"operator\"",
                    "\"client\":\"operator-client\"", "\"via\":\"mqtt\"", "\"comment\":\"on my way\"");
            receive(events, ALARM + "/set/result", "\"ok\":true");
            assertThat(hi().status()).isEqualTo(AlarmStatus.ACKNOWLEDGED);
            assertThat(hi().ackBy()).isEqualTo("operator");
        } finally {
            viewer.disconnect();
            anonymous.disconnect();
            operator.disconnect();
        }
    }

    @Test
    void rights_are_those_in_force_when_the_command_arrives_not_when_the_user_connected() throws Exception {
        start();
        Mqtt5BlockingClient operator = user("operator", "op-pw");
        try {
            engine.reloadAccess(load(yaml(
                    "- {user: operator, topic: \"site/gw/alarms/+/+/set\", access: deny}")).section(BrokerSection.KEY, BrokerConfig.class)
                    .orElseThrow().acl());

            assertThat(send(operator, "{\"action\":\"shelve\",\"alarm\":\"hi\",\"for\":\"1h\"}")).isEqualTo(0x87);
            assertThat(hi().status()).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        } finally {
            operator.disconnect();
        }
    }

    private static Mqtt5Publish receive(Mqtt5BlockingClient.Mqtt5Publishes in, String topic, String containing)
            throws InterruptedException {
        while (true) {
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("nothing on " + topic));
            if (p.getTopic().toString().equals(topic)
                    && new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8).contains(containing)) {
                return p;
            }
        }
    }
}
