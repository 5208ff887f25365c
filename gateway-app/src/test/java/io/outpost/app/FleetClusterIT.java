package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.app.fleet.Ed25519Keys;
import io.outpost.app.fleet.FleetAgent;
import io.outpost.app.fleet.FleetClient;
import io.outpost.app.fleet.FleetRollout;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamTlsConfig;
import io.outpost.mqtt.bridge.control.ControlSettings;
import io.outpost.testing.FreePorts;
import io.outpost.testing.RabbitMqCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet on a clustered cloud broker: a two-node RabbitMQ cluster (MQTT plugin, 3.1.1) on loopback. The gateway
 * lists both nodes; the fleet command line talks to the other node, so every push crosses the cluster; when the
 * gateway's node crashes, the gateway goes over to the other node, says so with a new birth, and takes the next push
 * there.
 */
class FleetClusterIT {

    @TempDir
    Path dir;

    @Test
    void gateways_fail_over_between_the_nodes_and_pushes_reach_them_through_either_node() throws Exception {
        Assumptions.assumeTrue(RabbitMqCluster.installed(), "rabbitmq-server is not installed (apt-get install rabbitmq-server)");
        KeyPair ops = Ed25519Keys.generate(dir.resolve("keys"), "ops");
        Files.createDirectories(dir.resolve("trusted-keys"));
        Files.copy(dir.resolve("keys/ops.pub"), dir.resolve("trusted-keys/ops.pub"));
        try (ModbusSimulator sim = ModbusSimulator.builder().port(0).demo().start();
             RabbitMqCluster cluster = RabbitMqCluster.start(dir.resolve("cluster"), "o18n", 2)) {
            RabbitMqCluster.Node first = cluster.nodes().get(0);
            RabbitMqCluster.Node second = cluster.nodes().get(1);
            Path file = dir.resolve("outpost.yaml");
            String original = """
                    gateway: {id: gw1, site: site, data-dir: %s}
                    broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                    http: {port: %d}
                    upstreams:
                      - name: cloud
                        servers: ["%s", "%s"]
                        mqtt-version: 3.1.1
                        keep-alive: 2s
                        forward: [{from: "site/#", to: "up/{topic}", qos: 1}]
                    devices:
                      - id: plc
                        protocol: modbus
                        poll-interval: 100ms
                        connection: {host: 127.0.0.1, port: %d}
                        points: [{id: flow, address: 30001, type: uint16}]
                    fleet:
                      grace-period: 3s
                      birth-min-interval: 0s
                      subscribe-qos: 0
                    """.formatted(dir.resolve("data"), FreePorts.tcp(), FreePorts.tcp(), first.uri(), second.uri(), sim.port());
            Files.writeString(file, original);
            ConfigFiles files = new ConfigFiles();
            try (Gateway gateway = Gateway.start(files.load(file), files, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of());
                 FleetAgent agent = FleetAgents.start(gateway, files, file);
                 FleetClient cli = new FleetClient(ControlSettings.of("cli", List.of(ServerUri.parse(second.uri())),
                         MqttProtocol.V3_1_1, "fleet-cli", null, null, UpstreamTlsConfig.DEFAULT), "outpost/{gateway}/")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> gateway.upstreamStatus().get(0).state().equals("connected"));
                assertThat(gateway.upstreamStatus().get(0).server()).endsWith(":" + first.mqttPort());
                // RabbitMQ 3.10 keeps retained messages per node and hands them to exact subscriptions only: the
                // command line asks for the births instead (the discover topic).
                cli.awaitInventory(Duration.ofSeconds(60), Duration.ofSeconds(2));
                await().atMost(Duration.ofSeconds(60)).until(() -> cli.births().containsKey("gw1")
                        && cli.births().get("gw1").online() && cli.births().get("gw1").devicesOnline() == 1);

                StringWriter log = new StringWriter();
                FleetRollout rollout = new FleetRollout(cli, ops.getPrivate(), "ops", Duration.ofSeconds(60),
                        new PrintWriter(log, true));
                String v1 = original.replace("id: flow", "id: flow1");
                FleetRollout.Outcome across = rollout.run(List.of(List.of("gw1")), v1.getBytes(StandardCharsets.UTF_8));
                assertThat(across.complete()).as("push through the other node; log:%n%s", log).isTrue();
                assertThat(Files.readString(file)).isEqualTo(v1);

                await().atMost(Duration.ofSeconds(30)).until(() -> cli.births().get("gw1").configVersion() == 1);
                int births = cli.birthsReceived("gw1");
                cluster.kill(first);

                await().atMost(Duration.ofSeconds(60)).until(() -> gateway.upstreamStatus().get(0).state().equals("connected")
                        && gateway.upstreamStatus().get(0).server().endsWith(":" + second.mqttPort()));
                // The fleet link came back on the other node: a new birth says so.
                await().atMost(Duration.ofSeconds(60)).until(() -> cli.birthsReceived("gw1") > births
                        && cli.births().get("gw1").online());
                String v2 = v1.replace("id: flow1", "id: flow2");
                FleetRollout.Outcome after = rollout.run(List.of(List.of("gw1")), v2.getBytes(StandardCharsets.UTF_8));
                assertThat(after.complete()).as("push after the failover; log:%n%s", log).isTrue();
                assertThat(Files.readString(file)).isEqualTo(v2);
                assertThat(gateway.runtime().config().devices().get(0).points().get(0).id()).isEqualTo("flow2");
            }
        }
    }
}
