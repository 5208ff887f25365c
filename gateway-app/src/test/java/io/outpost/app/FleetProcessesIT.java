package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.app.fleet.Ed25519Keys;
import io.outpost.app.fleet.FleetClient;
import io.outpost.app.fleet.FleetRollout;
import io.outpost.app.fleet.SignedEnvelope;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamTlsConfig;
import io.outpost.mqtt.bridge.control.ControlSettings;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet with real gateway processes ({@code java -jar gateway-app.jar run}) and a real cloud broker
 * (mosquitto): a process killed (SIGKILL) in a grace period comes back with the previous configuration, and a
 * staged rollout stops at its first rollback. Every gateway runs from its own folder with the same configuration
 * text: its id and ports come from files beside it ({@code ${file:gateway-id}}), as on a real fleet.
 */
class FleetProcessesIT {

    @TempDir
    Path dir;

    private static String config(int cloud, int modbus, String grace) {
        return """
                gateway: {id: "${file:gateway-id}", site: site, data-dir: data}
                broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: "${file:broker-port}"}]}
                http: {enabled: false}
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    client-id: "${file:gateway-id}"
                    keep-alive: 2s
                    forward: [{from: "site/#", to: "up/{topic}", qos: 1}]
                devices:
                  - id: plc
                    protocol: modbus
                    poll-interval: 100ms
                    connection: {host: 127.0.0.1, port: %d}
                    points: [{id: flow, address: 30001, type: uint16}]
                fleet:
                  grace-period: %s
                  birth-min-interval: 0s
                """.formatted(cloud, modbus, grace);
    }

    /** A gateway's folder: its config, id, port and the trusted key. */
    private Path site(String id, String config) throws Exception {
        Path site = dir.resolve(id);
        Files.createDirectories(site.resolve("trusted-keys"));
        Files.writeString(site.resolve("gateway-id"), id + "\n");
        Files.writeString(site.resolve("broker-port"), FreePorts.tcp() + "\n");
        Files.copy(dir.resolve("keys/ops.pub"), site.resolve("trusted-keys/ops.pub"));
        Files.writeString(site.resolve("outpost.yaml"), config);
        return site;
    }

    private static ExternalProcess run(Path site, String name) throws Exception {
        ExternalProcess p = ExternalProcess.start(name, List.of("java", "-Xmx192m", "-jar",
                DemoIT.applicationJar().toString(), "run", site.resolve("outpost.yaml").toString()), site);
        p.awaitLine(l -> l.contains("running from"), Duration.ofSeconds(90));
        return p;
    }

    private static FleetClient client(Mosquitto cloud) throws Exception {
        return new FleetClient(ControlSettings.of("test-cloud", List.of(ServerUri.parse("mqtt://127.0.0.1:" + cloud.port())),
                MqttProtocol.V5, "test-cloud-" + System.nanoTime(), null, null, UpstreamTlsConfig.DEFAULT), "outpost/{gateway}/");
    }

    private static void awaitOnline(FleetClient client, String... ids) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (String id : ids) {
                FleetClient.Birth b = client.births().get(id);
                if (b == null || !b.online() || b.devicesOnline() != 1) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void a_gateway_killed_during_the_grace_period_restores_the_previous_config_at_start_and_reports_it() throws Exception {
        Assumptions.assumeTrue(Mosquitto.installed(), "mosquitto is not installed (apt-get install mosquitto)");
        KeyPair ops = Ed25519Keys.generate(dir.resolve("keys"), "ops");
        try (ModbusSimulator sim = ModbusSimulator.builder().port(0).demo().start();
             Mosquitto cloud = Mosquitto.start(dir.resolve("cloud"));
             FleetClient client = client(cloud)) {
            String original = config(cloud.port(), sim.port(), "10m");
            Path site = site("gw-k", original);
            String next = original.replace("id: flow", "id: flow2");
            try (ExternalProcess gw = run(site, "gw-k")) {
                awaitOnline(client, "gw-k");
                byte[] bytes = next.getBytes(StandardCharsets.UTF_8);
                SignedEnvelope e = new SignedEnvelope(SignedEnvelope.CONFIG, "gw-k", 1, "ops", bytes, new byte[0]);
                client.pushConfig(new SignedEnvelope(SignedEnvelope.CONFIG, "gw-k", 1, "ops", bytes,
                        Ed25519Keys.sign(ops.getPrivate(), e.signedBytes()))).toCompletableFuture().join();
                await().atMost(Duration.ofSeconds(30)).until(() -> client.results().get("gw-k") != null
                        && client.results().get("gw-k").status().equals("applied"));
                assertThat(Files.readString(site.resolve("outpost.yaml"))).isEqualTo(next);

                gw.kill();
                assertThat(gw.waitFor(Duration.ofSeconds(30))).as("exit status of SIGKILL").isEqualTo(137);
            }
            // The fleet link's will (keep-alive 2 s): the cloud sees the gateway go.
            await().atMost(Duration.ofSeconds(30)).until(() -> client.births().get("gw-k").state().equals("offline"));
            assertThat(Files.readString(site.resolve("outpost.yaml"))).as("still the new file until restart").isEqualTo(next);

            try (ExternalProcess gw = run(site, "gw-k-again")) {
                assertThat(gw.output()).anyMatch(l -> l.contains("restored the previous configuration"));
                assertThat(Files.readString(site.resolve("outpost.yaml"))).isEqualTo(original);
                await().atMost(Duration.ofSeconds(30)).until(() -> client.results().get("gw-k").status().equals("rolled-back"));
                FleetClient.Result r = client.results().get("gw-k");
                assertThat(r.version()).isEqualTo(1);
                assertThat(r.reason()).isEqualTo("crashed");
                awaitOnline(client, "gw-k");
                assertThat(client.births().get("gw-k").configVersion()).isZero();
                assertThat(client.births().get("gw-k").highestVersion()).isEqualTo(1);
            }
        }
    }

    @Test
    void a_staged_rollout_stops_at_the_first_rollback_and_a_good_one_reaches_every_gateway() throws Exception {
        Assumptions.assumeTrue(Mosquitto.installed(), "mosquitto is not installed (apt-get install mosquitto)");
        KeyPair ops = Ed25519Keys.generate(dir.resolve("keys"), "ops");
        try (ModbusSimulator sim = ModbusSimulator.builder().port(0).demo().start();
             Mosquitto cloud = Mosquitto.start(dir.resolve("cloud"));
             FleetClient client = client(cloud)) {
            String original = config(cloud.port(), sim.port(), "3s");
            List<ExternalProcess> gateways = new ArrayList<>();
            try {
                for (String id : List.of("north-1", "north-2", "north-3")) {
                    gateways.add(run(site(id, original), id));
                }
                awaitOnline(client, "north-1", "north-2", "north-3");
                StringWriter log = new StringWriter();
                FleetRollout rollout = new FleetRollout(client, ops.getPrivate(), "ops", Duration.ofSeconds(60),
                        new PrintWriter(log, true));
                List<String> targets = List.of("north-1", "north-2", "north-3");
                List<List<String>> stages = FleetRollout.stages(targets, "30%");
                assertThat(stages).containsExactly(List.of("north-1"), List.of("north-2", "north-3"));

                String deadDevice = original.replace("port: " + sim.port() + "}", "port: " + FreePorts.tcp() + "}");
                FleetRollout.Outcome bad = rollout.run(stages, deadDevice.getBytes(StandardCharsets.UTF_8));

                assertThat(bad.complete()).as("log:%n%s", log).isFalse();
                assertThat(bad.stoppedBecause()).contains("north-1").contains("rolled-back");
                assertThat(bad.notReached()).containsExactly("north-2", "north-3");
                assertThat(client.results()).doesNotContainKeys("north-2", "north-3");
                for (String id : targets) {
                    assertThat(Files.readString(dir.resolve(id).resolve("outpost.yaml"))).isEqualTo(original);
                }

                String good = original.replace("id: flow", "id: flow2");
                FleetRollout.Outcome ok = rollout.run(stages, good.getBytes(StandardCharsets.UTF_8));

                assertThat(ok.complete()).as("log:%n%s", log).isTrue();
                assertThat(ok.results()).containsOnlyKeys(targets);
                for (String id : targets) {
                    assertThat(Files.readString(dir.resolve(id).resolve("outpost.yaml"))).isEqualTo(good);
                }
            } finally {
                gateways.forEach(ExternalProcess::close);
            }
        }
    }
}
