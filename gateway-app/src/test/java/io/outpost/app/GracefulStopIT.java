package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under load, as systemd stops the service: the packaged gateway polls 500 Modbus points every 100 ms and
 * four local MQTT clients publish QoS 1 as fast as it acknowledges, and it is stopped three times in a row in the
 * middle of that. Each stop must log no error (no "writer failed", no exception of a thread that outlived its
 * part) and exit 0; whatever the broker acknowledged must reach the cloud broker once the gateway runs again.
 */
class GracefulStopIT {

    private static final int POINTS = 500;
    private static final int PUBLISHERS = 4;

    @TempDir
    Path dir;

    private String config(int modbus, int broker, int http, int cloud) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < POINTS; i++) {
            points.append("      - {id: p").append(i).append(", address: ").append(40001 + i)
                    .append(", type: uint16, report: every-read}\n");
        }
        return """
                gateway: {id: gw, site: site, data-dir: %s}
                broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                http: {port: %d}
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    forward: [{from: "site/#", to: "up/{topic}", qos: 1}]
                devices:
                  - id: plc
                    protocol: modbus
                    poll-interval: 100ms
                    connection: {host: 127.0.0.1, port: %d}
                    points:
                """.formatted(dir.resolve("data"), broker, http, cloud, modbus) + points;
    }

    private static ExternalProcess gateway(Path config, String name) throws Exception {
        return ExternalProcess.start(name, List.of("java", "-Xmx256m", "-jar", DemoIT.applicationJar().toString(),
                "run", config.toString()), config.getParent());
    }

    @Test
    void three_sigterm_stops_under_load_log_no_error_and_lose_no_acknowledged_message() throws Exception {
        Assumptions.assumeTrue(Mosquitto.installed(), "mosquitto is not installed (apt-get install mosquitto)");
        int broker = FreePorts.tcp();
        try (ModbusSimulator sim = ModbusSimulator.builder().port(0).size(1000).start();
             Mosquitto cloud = Mosquitto.start(dir.resolve("cloud"), "max_queued_messages 0")) {
            Set<String> arrived = ConcurrentHashMap.newKeySet();
            Mqtt5AsyncClient watcher = MqttClient.builder().useMqttVersion5().identifier("watcher")
                    .serverHost("127.0.0.1").serverPort(cloud.port()).buildAsync();
            watcher.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().join();
            watcher.subscribeWith().topicFilter("up/site/client/#").qos(MqttQos.AT_LEAST_ONCE)
                    .callback(p -> arrived.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))).send().join();
            Path config = dir.resolve("outpost.yaml");
            Files.writeString(config, config(sim.port(), broker, FreePorts.tcp(), cloud.port()));
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            try {
                for (int round = 0; round < 3; round++) {
                    try (ExternalProcess gw = gateway(config, "gateway-" + round)) {
                        gw.awaitLine(l -> l.contains("gateway gw running"), Duration.ofSeconds(60));
                        AtomicBoolean publishing = new AtomicBoolean(true);
                        List<CompletableFuture<Void>> publishers = new ArrayList<>();
                        for (int p = 0; p < PUBLISHERS; p++) {
                            String id = "r" + round + "c" + p;
                            publishers.add(CompletableFuture.runAsync(() -> publish(broker, id, publishing, acknowledged)));
                        }
                        int before = acknowledged.size();
                        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= before + 2_000);
                        // systemd's stop: SIGTERM, in the middle of the load.
                        ProcessHandle.of(gw.pid()).orElseThrow().destroy();
                        // 143: the JVM's status after SIGTERM once its shutdown hooks ran (SuccessExitStatus in the unit).
                        assertThat(gw.waitFor(Duration.ofSeconds(60))).as("exit status").isEqualTo(143);
                        publishing.set(false);
                        CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                        assertThat(gw.output()).as("log of stop %d", round)
                                .noneMatch(l -> l.contains(" ERROR ") || l.contains("Exception"))
                                .anyMatch(l -> l.contains("stopping gateway gw"));
                    }
                }
                try (ExternalProcess gw = gateway(config, "gateway-drain")) {
                    gw.awaitLine(l -> l.contains("gateway gw running"), Duration.ofSeconds(60));
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        Set<String> missing = new HashSet<>(acknowledged);
                        missing.removeAll(arrived);
                        assertThat(missing).as("acknowledged by the gateway's broker, never at the cloud").isEmpty();
                    });
                }
            } finally {
                watcher.disconnect().join();
            }
        }
    }

    /** Publishes {@code id/0, id/1, ...} at QoS 1, 100 unacknowledged at most, recording what was acknowledged. */
    private static void publish(int port, String id, AtomicBoolean publishing, Set<String> acknowledged) {
        Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier(id)
                .serverHost("127.0.0.1").serverPort(port).buildAsync();
        client.connect().join();
        Semaphore window = new Semaphore(100);
        for (int n = 0; publishing.get(); n++) {
            try {
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    n--;
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String payload = id + "/" + n;
            client.publishWith().topic("site/client/" + id).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(StandardCharsets.UTF_8)).send()
                    .whenComplete((result, error) -> {
                        if (error == null && result.getError().isEmpty()) {
                            acknowledged.add(payload);
                        }
                        window.release();
                    });
        }
        client.disconnect().whenComplete((ok, err) -> {
            // The gateway went away under it: there is nothing to disconnect from.
        });
    }
}
