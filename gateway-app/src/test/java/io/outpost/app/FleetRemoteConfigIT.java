package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.app.fleet.ConfigHistory;
import io.outpost.app.fleet.Ed25519Keys;
import io.outpost.app.fleet.FleetClient;
import io.outpost.app.fleet.FleetRollout;
import io.outpost.app.fleet.SignedEnvelope;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote configuration against a real cloud broker (mosquitto) and a real gateway with a Modbus device: the fleet
 * command line's client pushes, the gateway answers on its result topic.
 */
class FleetRemoteConfigIT {

    @TempDir
    Path dir;

    private ModbusSimulator sim;
    private Mosquitto cloud;
    private FleetSite site;
    private Gateway gateway;
    private FleetClient client;
    private KeyPair ops;
    private Path file;
    private String original;

    private String config(String upstreamServer, String devicePort, String pointId) {
        return """
                gateway: {id: gw1, site: site, data-dir: %s}
                broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                http: {port: %d}
                upstreams:
                  - name: cloud
                    servers: ["%s"]
                    forward: [{from: "site/#", to: "up/{topic}", qos: 1}]
                devices:
                  - id: plc
                    protocol: modbus
                    poll-interval: 100ms
                    connection: {host: 127.0.0.1, port: %s}
                    points: [{id: %s, address: 30001, type: uint16}]
                fleet:
                  grace-period: 3s
                  birth-min-interval: 0s
                """.formatted(dir.resolve("data"), FreePorts.tcp(), FreePorts.tcp(), upstreamServer, devicePort, pointId);
    }

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Mosquitto.installed(), "mosquitto is not installed (apt-get install mosquitto)");
        sim = ModbusSimulator.builder().port(0).demo().start();
        cloud = Mosquitto.start(dir.resolve("cloud"));
        ops = Ed25519Keys.generate(dir.resolve("keys"), "ops");
        Files.createDirectories(dir.resolve("trusted-keys"));
        Files.copy(dir.resolve("keys/ops.pub"), dir.resolve("trusted-keys/ops.pub"));
        file = dir.resolve("outpost.yaml");
        original = config(cloudUri(), Integer.toString(sim.port()), "flow");
        Files.writeString(file, original);
        site = FleetSite.start(file, cloud.port(), Duration.ofSeconds(30));
        gateway = site.gateway;
        client = site.client;
    }

    @AfterEach
    void stop() {
        if (site != null) {
            site.close();
        }
        if (cloud != null) {
            cloud.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private String cloudUri() {
        return "mqtt://127.0.0.1:" + cloud.port();
    }

    private SignedEnvelope signed(KeyPair key, String keyId, String gatewayId, long version, String yaml) throws Exception {
        byte[] bytes = yaml.getBytes(StandardCharsets.UTF_8);
        SignedEnvelope unsigned = new SignedEnvelope(SignedEnvelope.CONFIG, gatewayId, version, keyId, bytes, new byte[0]);
        return key == null ? unsigned : new SignedEnvelope(SignedEnvelope.CONFIG, gatewayId, version, keyId, bytes,
                Ed25519Keys.sign(key.getPrivate(), unsigned.signedBytes()));
    }

    /** Publishes raw bytes on the gateway's config topic with an independent client (HiveMQ's). */
    private void publishRaw(byte[] payload) {
        Mqtt5BlockingClient raw = MqttClient.builder().useMqttVersion5().identifier("raw-" + System.nanoTime())
                .serverHost("127.0.0.1").serverPort(cloud.port()).buildBlocking();
        raw.connect();
        raw.publishWith().topic("outpost/gw1/config").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
        raw.disconnect();
    }

    private FleetClient.Result awaitResult(long version, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            FleetClient.Result r = client.results().get("gw1");
            return r != null && r.version() == version && r.status().equals(status);
        });
        return client.results().get("gw1");
    }

    @Test
    void unsigned_or_wrongly_signed_pushes_are_refused_and_reported() throws Exception {
        String changed = original.replace("id: flow", "id: flow2");
        KeyPair intruder = Ed25519Keys.generate(dir.resolve("intruder"), "ops");

        publishRaw(signed(null, "ops", "gw1", 1, changed).toJson());
        assertThat(awaitResult(1, "rejected").reason()).isEqualTo("unsigned");

        publishRaw(signed(intruder, "ops", "gw1", 2, changed).toJson());
        assertThat(awaitResult(2, "rejected").reason()).isEqualTo("bad-signature");

        publishRaw(signed(intruder, "intruder", "gw1", 3, changed).toJson());
        assertThat(awaitResult(3, "rejected").reason()).isEqualTo("untrusted-key");

        publishRaw(signed(ops, "ops", "gw2", 4, changed).toJson());
        assertThat(awaitResult(4, "rejected").reason()).isEqualTo("wrong-gateway");

        publishRaw("{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(awaitResult(-1, "rejected").reason()).isEqualTo("malformed");

        assertThat(Files.readString(file)).isEqualTo(original);
        assertThat(gateway.runtime().config().devices().get(0).points().get(0).id()).isEqualTo("flow");
    }

    @Test
    void a_config_with_mistakes_is_rejected_with_its_validate_errors() throws Exception {
        String broken = original.replace("poll-interval: 100ms", "poll-interval: sometimes");

        FleetRollout.Outcome outcome = push(broken);

        assertThat(outcome.complete()).isFalse();
        FleetClient.Result r = client.results().get("gw1");
        assertThat(r.status()).isEqualTo("rejected");
        assertThat(r.reason()).isEqualTo("invalid");
        assertThat(r.errors()).anyMatch(e -> e.contains("poll-interval") && e.contains("outpost.yaml"));
        assertThat(Files.readString(file)).isEqualTo(original);
    }

    @Test
    void a_valid_config_is_applied_stays_after_the_grace_period_and_cannot_be_replayed() throws Exception {
        String next = original.replace("id: flow", "id: flow2");

        FleetRollout.Outcome outcome = push(next);

        assertThat(outcome.complete()).as("rollout outcome %s", outcome).isTrue();
        long version = client.results().get("gw1").version();
        assertThat(Files.readString(file)).isEqualTo(next);
        assertThat(gateway.runtime().config().devices().get(0).points().get(0).id()).isEqualTo("flow2");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.births().get("gw1").configVersion() == version);
        assertThat(client.births().get("gw1").configHash()).isEqualTo(SignedEnvelope.sha256(next.getBytes(StandardCharsets.UTF_8)));
        assertThat(new ConfigHistory(file, 10).kept()).hasSize(1);

        // An old signed configuration played again (same version, other bytes): refused.
        publishRaw(signed(ops, "ops", "gw1", version, original).toJson());
        await().atMost(Duration.ofSeconds(30)).until(() -> "replay".equals(client.results().get("gw1").reason()));
        assertThat(Files.readString(file)).isEqualTo(next);
    }

    @Test
    void a_config_that_breaks_the_uplink_is_rolled_back_within_the_grace_period() throws Exception {
        String cutOff = original.replace(cloudUri(), "mqtt://127.0.0.1:" + FreePorts.tcp());
        long started = System.nanoTime();

        FleetRollout.Outcome outcome = push(cutOff);

        assertThat(outcome.complete()).isFalse();
        FleetClient.Result r = client.results().get("gw1");
        assertThat(r.status()).isEqualTo("rolled-back");
        assertThat(r.reason()).isEqualTo("uplink-lost");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(Files.readString(file)).isEqualTo(original);
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.upstreamStatus().get(0).state().equals("connected"));
    }

    @Test
    void a_config_whose_online_devices_stay_offline_is_rolled_back() throws Exception {
        String deadDevice = original.replace("port: " + sim.port() + "}", "port: " + FreePorts.tcp() + "}");

        FleetRollout.Outcome outcome = push(deadDevice);

        assertThat(outcome.complete()).isFalse();
        FleetClient.Result r = client.results().get("gw1");
        assertThat(r.status()).isEqualTo("rolled-back");
        assertThat(r.reason()).isEqualTo("devices-offline");
        assertThat(r.detail()).contains("plc");
        assertThat(Files.readString(file)).isEqualTo(original);
    }

    @Test
    void commands_are_answered_request_by_request_and_unknown_ones_refused() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.runtime().values().all().stream()
                .anyMatch(p -> p.latest() != null && p.latest().hasValue()));

        Map<String, Object> metrics = client.command("gw1", "r-1",
                "{\"id\":\"r-1\",\"command\":\"metrics\"}".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
        Map<String, Object> read = client.command("gw1", "r-2",
                "{\"id\":\"r-2\",\"command\":\"read\",\"device\":\"plc\",\"point\":\"flow\"}"
                        .getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
        Map<String, Object> unknown = client.command("gw1", "r-3",
                "{\"id\":\"r-3\",\"command\":\"format-disk\"}".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);

        assertThat(metrics).containsEntry("ok", true);
        assertThat(metrics.get("devices")).isEqualTo(Map.of("plc", "online"));
        assertThat(read).containsEntry("ok", true).containsEntry("quality", "good").containsKey("value");
        assertThat(read.get("value")).isInstanceOf(Number.class);
        assertThat(((Number) read.get("ts")).longValue()).isPositive();
        assertThat(unknown).containsEntry("ok", false).containsEntry("error", "unknown-command");
    }

    private FleetRollout.Outcome push(String yaml) throws Exception {
        StringWriter log = new StringWriter();
        FleetRollout rollout = new FleetRollout(client, ops.getPrivate(), "ops", Duration.ofSeconds(40),
                new PrintWriter(log, true));
        return rollout.run(FleetRollout.stages(List.of("gw1"), null), yaml.getBytes(StandardCharsets.UTF_8));
    }
}
