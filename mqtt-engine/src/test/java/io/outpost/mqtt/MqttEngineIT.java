package io.outpost.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.Message;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.Value;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.TestAdapterFactory;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerSection;
import io.outpost.mqtt.internal.broker.testing.Clients;
import io.outpost.testing.FreePorts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine wired to a real core as the application wires it: point values reach MQTT clients, commands from MQTT
 * clients reach the device and answer on the MQTT 5 response topic, and the core's hand-over waits for the
 * forwarders.
 */
class MqttEngineIT {

    @TempDir
    Path dir;
    int port;
    TestAdapterFactory adapters = new TestAdapterFactory();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MqttEngine engine;
    CoreServices services;
    GatewayRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        if (port == 0) {
            port = FreePorts.tcp();
        }
        String yaml = """
                gateway: {id: gw, site: site, data-dir: %s}
                publish: {qos: 1, retain: true}
                broker:
                  listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]
                  anonymous-commands: true          # these clients do not log in (CommandSecurityIT covers the default)
                devices:
                  - id: dev
                    protocol: test
                    poll-interval: 100ms
                    points:
                      - {id: level, address: 1, type: float32}
                      - {id: setpoint, address: 2, type: int16, scale: 0.1, range: [0, 100], writable: true}
                """.formatted(dir, port);
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
        runtime.close();
        engine.close();
        services.resources().close();
    }

    @Test
    void point_values_reach_mqtt_clients_and_commands_reach_the_device_with_a_response() throws Exception {
        adapters.adapter("dev").set("level", Value.of(2.5));
        Mqtt5BlockingClient hmi = Clients.v5(port, "hmi");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = hmi.publishes(MqttGlobalPublishFilter.ALL)) {
            hmi.subscribeWith().topicFilter("site/dev/level").qos(MqttQos.AT_LEAST_ONCE).send();
            // The first poll may have run before the value was set: wait for the value (published on change).
            Mqtt5Publish value;
            do {
                value = in.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("no value 2.5 published"));
            } while (!new String(value.getPayloadAsBytes(), StandardCharsets.UTF_8).startsWith("{\"value\":2.5,"));

            hmi.subscribeWith().topicFilter("resp/hmi").qos(MqttQos.AT_LEAST_ONCE).send();
            hmi.publishWith().topic("site/dev/setpoint/set").qos(MqttQos.AT_LEAST_ONCE).responseTopic("resp/hmi")
                    .correlationData("req-1".getBytes(StandardCharsets.UTF_8)).payload("42.5".getBytes(StandardCharsets.UTF_8))
                    .send();
            Mqtt5Publish response = receiveOn(in, "resp/hmi");
            assertThat(new String(response.getPayloadAsBytes(), StandardCharsets.UTF_8)).contains("\"ok\":true");
            ByteBuffer corr = response.getCorrelationData().orElseThrow();
            byte[] c = new byte[corr.remaining()];
            corr.get(c);
            assertThat(new String(c, StandardCharsets.UTF_8)).isEqualTo("req-1");
            assertThat(adapters.adapter("dev").writes()).containsExactly(Map.entry("setpoint", Value.of(425)));
        } finally {
            hmi.disconnect();
        }
    }

    @Test
    void a_retained_command_is_not_written_again_when_the_gateway_restarts() throws Exception {
        Mqtt5BlockingClient hmi = Clients.v5(port, "hmi-r");
        hmi.publishWith().topic("site/dev/setpoint/set").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("10".getBytes(StandardCharsets.UTF_8)).send();
        hmi.disconnect();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> adapters.adapter("dev").writes().size() == 1);
        stop();
        start();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> !adapters.adapter("dev").reads().isEmpty());
        assertThat(engine.broker().retained().get("site/dev/setpoint/set", System.currentTimeMillis()))
                .as("the retained command survived the restart").isNotNull();
        Awaitility.await().during(500, TimeUnit.MILLISECONDS).atMost(5, TimeUnit.SECONDS)
                .until(() -> adapters.adapter("dev").writes().isEmpty());
    }

    private static Mqtt5Publish receiveOn(Mqtt5BlockingClient.Mqtt5Publishes in, String topic) throws InterruptedException {
        while (true) {
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("nothing on " + topic));
            if (p.getTopic().toString().equals(topic)) {
                return p;
            }
        }
    }

    @Test
    void the_cores_hand_over_completes_only_when_the_forwarders_took_the_messages() throws Exception {
        CompletableFuture<Void> store = new CompletableFuture<>();
        engine.localBroker().addForwarder(m -> m.topic().equals("gw/batch") ? store : CompletableFuture.completedFuture(null));
        CompletableFuture<Void> handOver = engine.publish(List.of(
                Message.of("gw/batch", new byte[] {1}, 0, false, Message.ORIGIN_GATEWAY, Instant.now().toEpochMilli())))
                .toCompletableFuture();
        Awaitility.await().during(300, TimeUnit.MILLISECONDS).atMost(5, TimeUnit.SECONDS).until(() -> !handOver.isDone());
        store.complete(null);
        handOver.get(10, TimeUnit.SECONDS);
    }
}
