package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that restarts the bridge loses no acknowledged message: a local QoS 1 client and the core's points
 * publish continuously while the upstream's forward rule changes, and every message the broker acknowledged (or
 * whose hand-over completed for the core) arrives at the upstream broker, in order per topic.
 */
class GatewayReloadUpstreamIT {

    private static final int WINDOW = 32;

    @TempDir
    Path dir;

    private String config(int modbus, int cloud, String prefix) {
        return """
                gateway: {id: gw, site: site, data-dir: %s}
                broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                http: {port: %d}
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    forward: [{from: "site/#", to: "%s/{topic}", qos: 1}]
                devices:
                  - id: b
                    protocol: modbus
                    poll-interval: 50ms
                    connection: {host: 127.0.0.1, port: %d}
                    points: [{id: flow, address: 30001, type: uint16, report: every-read}]
                """.formatted(dir.resolve("data"), FreePorts.tcp(), FreePorts.tcp(), cloud, prefix, modbus);
    }

    @Test
    void every_message_acknowledged_while_a_reload_restarts_the_bridge_arrives_upstream_in_order() throws Exception {
        Assumptions.assumeTrue(Mosquitto.installed(), "mosquitto is not installed (apt-get install mosquitto)");
        try (ModbusSimulator sim = ModbusSimulator.builder().port(0).demo().start();
             Mosquitto cloud = Mosquitto.start(dir.resolve("cloud"))) {
            List<String> upstream = new CopyOnWriteArrayList<>();
            Set<String> upstreamPoints = ConcurrentHashMap.newKeySet();
            AtomicInteger underNewPrefix = new AtomicInteger();
            Mqtt5AsyncClient watcher = MqttClient.builder().useMqttVersion5().identifier("watcher")
                    .serverHost("127.0.0.1").serverPort(cloud.port()).buildAsync();
            watcher.connect().join();
            watcher.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
                String topic = p.getTopic().toString();
                String payload = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
                if (topic.startsWith("v2/")) {
                    underNewPrefix.incrementAndGet();
                }
                if (topic.endsWith("/site/plc/counter")) {
                    upstream.add(payload);
                } else if (topic.endsWith("/site/b/flow")) {
                    upstreamPoints.add(payload);
                }
            }).send().join();

            Path file = dir.resolve("outpost.yaml");
            String first = config(sim.port(), cloud.port(), "v1");
            Files.writeString(file, first);
            ConfigFiles files = new ConfigFiles();
            try (Gateway gateway = Gateway.start(files.load(file), files,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of())) {
                Set<String> localPoints = ConcurrentHashMap.newKeySet();
                LocalBroker broker = gateway.engine().localBroker();
                int port = gateway.engine().listenerPorts().get(0);
                List<Integer> acknowledged = new CopyOnWriteArrayList<>();
                AtomicBoolean publishing = new AtomicBoolean(true);
                CompletableFuture<Void> publisher;
                try (LocalBroker.LocalSubscription sub = broker.subscribe("site/b/flow", 1,
                        m -> localPoints.add(new String(m.payload(), StandardCharsets.UTF_8)))) {
                    publisher = CompletableFuture.runAsync(() -> publish(port, publishing, acknowledged));
                    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 50 && localPoints.size() >= 5);

                    Files.writeString(file, first.replace("to: \"v1/{topic}\"", "to: \"v2/{topic}\""));
                    int before = acknowledged.size();
                    gateway.reload(files.load(file));
                    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= before + 50);
                    publishing.set(false);
                    publisher.join();
                }
                Set<String> handedOver = new HashSet<>(localPoints);

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    Set<String> arrived = new HashSet<>(upstream);
                    List<Integer> missing = acknowledged.stream().filter(n -> !arrived.contains(String.valueOf(n))).toList();
                    assertThat(missing).as("acknowledged locally, never arrived upstream").isEmpty();
                    Set<String> pointsMissing = new HashSet<>(handedOver);
                    pointsMissing.removeAll(upstreamPoints);
                    assertThat(pointsMissing).as("the core's readings that never arrived upstream").isEmpty();
                });
                // In order: the first arrival of each number comes after the first arrival of every smaller one
                // (QoS 1 may repeat a message after a reconnect, never reorder the queue).
                List<Integer> firstArrivals = new ArrayList<>();
                for (String s : new LinkedHashSet<>(upstream)) {
                    firstArrivals.add(Integer.parseInt(s));
                }
                assertThat(firstArrivals).isSorted();
                assertThat(underNewPrefix).as("messages after the reload carry the new remote prefix").hasPositiveValue();
            } finally {
                watcher.disconnect().join();
            }
        }
    }

    /**
     * Publishes 0, 1, 2, ... at QoS 1 with up to {@code WINDOW} unacknowledged (so that a hold has many to keep in
     * order) and records each number the broker acknowledged without an error code.
     */
    private static void publish(int port, AtomicBoolean publishing, List<Integer> acknowledged) {
        Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier("plc")
                .serverHost("127.0.0.1").serverPort(port).buildAsync();
        client.connect().join();
        Semaphore window = new Semaphore(WINDOW);
        try {
            for (int n = 0; publishing.get(); n++) {
                window.acquireUninterruptibly();
                int number = n;
                client.publishWith().topic("site/plc/counter").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(String.valueOf(n).getBytes(StandardCharsets.UTF_8)).send()
                        .whenComplete((result, error) -> {
                            // A refusal (0x97 while the reload hold is full) is not an acknowledgement: not owed.
                            if (error == null && result.getError().isEmpty()) {
                                acknowledged.add(number);
                            }
                            window.release();
                        });
            }
            window.acquireUninterruptibly(WINDOW);
        } finally {
            client.disconnect().join();
        }
    }
}
