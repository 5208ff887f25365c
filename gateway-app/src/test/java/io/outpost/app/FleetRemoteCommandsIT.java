package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.adapter.modbus.sim.DataTable;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.adapter.opcua.sim.OpcUaSimulator;
import io.outpost.app.fleet.Ed25519Keys;
import io.outpost.app.fleet.FleetClient;
import io.outpost.app.fleet.SignedEnvelope;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Remote commands against a real cloud broker (mosquitto), a real gateway (in this JVM, with its fleet agent) and a
 * real Modbus slave (the j2mod simulator): requests go through the fleet command line's client, or through
 * {@code outpost fleet cmd} itself.
 */
class FleetRemoteCommandsIT {

    private static final String OPS_PASSWORD = "Ops-Pw-" + UUID.randomUUID();

    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    private ModbusSimulator sim;
    private Mosquitto cloud;
    private FleetSite site;
    private Gateway gateway;
    private FleetClient client;
    private KeyPair ops;
    private int requests;
    private final int opcUaPort = FreePorts.tcp();

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Mosquitto.installed(), "mosquitto is not installed (apt-get install mosquitto)");
        sim = ModbusSimulator.builder().port(0).start();
        sim.unit().setRegisters(DataTable.HOLDING_REGISTER, 0, 7);
        cloud = Mosquitto.start(dir.resolve("cloud"));
        ops = Ed25519Keys.generate(dir.resolve("keys"), "ops");
        Files.createDirectories(dir.resolve("trusted-keys"));
        Files.copy(dir.resolve("keys/ops.pub"), dir.resolve("trusted-keys/ops.pub"));
        Path file = dir.resolve("outpost.yaml");
        Files.writeString(file, """
                gateway: {id: gw1, site: site, data-dir: %s}
                broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                http: {port: %d, username: admin, password: "%s"}
                upstreams:
                  - name: cloud
                    servers: ["%s"]
                    forward: [{from: "site/#", to: "up/{topic}", qos: 1}]
                devices:
                  - id: plc
                    protocol: modbus
                    poll-interval: 100ms
                    connection: {host: 127.0.0.1, port: %d}
                    points:
                      - {id: setpoint, address: 40001, type: uint16, range: [0, 100], writable: true}
                      - {id: level, address: 40002, type: uint16}
                  - id: boiler
                    protocol: opcua
                    enabled: false
                    connection: {endpoint: "opc.tcp://127.0.0.1:%d/outpost", security-policy: none, security-mode: none}
                    points: [{id: t, node: "i=2258", mode: poll}]
                fleet:
                  birth-min-interval: 0s
                """.formatted(dir.resolve("data"), FreePorts.tcp(), FreePorts.tcp(), OPS_PASSWORD, cloudUri(), sim.port(),
                opcUaPort));
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

    private int setpoint() {
        return sim.unit().register(DataTable.HOLDING_REGISTER, 0);
    }

    private static String request(String id, String body) {
        return "{\"id\":\"" + id + "\"," + body + "}";
    }

    /** A request in a command envelope signed by {@code key} at {@code signedAt}. */
    private static byte[] signed(PrivateKey key, String keyId, String gatewayId, long signedAt, String request)
            throws Exception {
        byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
        SignedEnvelope unsigned = new SignedEnvelope(SignedEnvelope.COMMAND, gatewayId, signedAt, keyId, bytes,
                new byte[0]);
        return (key == null ? unsigned : new SignedEnvelope(SignedEnvelope.COMMAND, gatewayId, signedAt, keyId, bytes,
                Ed25519Keys.sign(key, unsigned.signedBytes()))).toJson();
    }

    private Map<String, Object> send(String id, byte[] payload) throws Exception {
        return client.command("gw1", id, payload).get(60, TimeUnit.SECONDS);
    }

    private Map<String, Object> sendSigned(String body) throws Exception {
        String id = "r-" + ++requests;
        return send(id, signed(ops.getPrivate(), "ops", "gw1", System.currentTimeMillis(), request(id, body)));
    }

    private Map<String, Object> sendPlain(String body) throws Exception {
        String id = "r-" + ++requests;
        return send(id, request(id, body).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_signed_write_reaches_the_device_register_and_reports_the_device_answer() throws Exception {
        Map<String, Object> answer = sendSigned("\"command\":\"write\",\"device\":\"plc\",\"point\":\"setpoint\",\"value\":42");

        assertThat(answer).as("%s", answer).containsEntry("ok", true).containsEntry("device-answer", "ok")
                .containsEntry("value", 42L);
        assertThat(setpoint()).isEqualTo(42);
    }

    @Test
    void unsigned_wrongly_signed_replayed_and_stale_writes_are_refused_and_the_register_is_unchanged() throws Exception {
        String write = "\"command\":\"write\",\"device\":\"plc\",\"point\":\"setpoint\",\"value\":55";
        KeyPair intruder = Ed25519Keys.generate(dir.resolve("intruder"), "ops");
        long now = System.currentTimeMillis();

        assertThat(sendPlain(write)).containsEntry("ok", false).containsEntry("error", "unsigned");
        assertThat(send("r-a", signed(null, "ops", "gw1", now, request("r-a", write))))
                .containsEntry("error", "unsigned");
        assertThat(send("r-b", signed(intruder.getPrivate(), "ops", "gw1", now, request("r-b", write))))
                .containsEntry("error", "bad-signature");
        assertThat(send("r-c", signed(intruder.getPrivate(), "intruder", "gw1", now, request("r-c", write))))
                .containsEntry("error", "untrusted-key");
        assertThat(send("r-d", signed(ops.getPrivate(), "ops", "gw2", now, request("r-d", write))))
                .containsEntry("error", "wrong-gateway");
        assertThat(send("r-e", signed(ops.getPrivate(), "ops", "gw1", now - Duration.ofMinutes(6).toMillis(),
                request("r-e", write)))).containsEntry("error", "expired");
        assertThat(setpoint()).isEqualTo(7);

        // A good one goes through once; the same signed bytes captured and played again do not.
        byte[] good = signed(ops.getPrivate(), "ops", "gw1", now, request("r-f", write));
        assertThat(send("r-f", good)).containsEntry("ok", true);
        assertThat(setpoint()).isEqualTo(55);
        sim.unit().setRegisters(DataTable.HOLDING_REGISTER, 0, 7);
        assertThat(send("r-f", good)).containsEntry("ok", false).containsEntry("error", "replay");
        assertThat(setpoint()).isEqualTo(7);
    }

    @Test
    void an_out_of_range_write_is_refused_by_the_core_and_the_device_is_not_written() throws Exception {
        Map<String, Object> answer = sendSigned("\"command\":\"write\",\"device\":\"plc\",\"point\":\"setpoint\",\"value\":101");
        Map<String, Object> notWritable = sendSigned("\"command\":\"write\",\"device\":\"plc\",\"point\":\"level\",\"value\":1");

        assertThat(answer).containsEntry("ok", false).containsEntry("error", "out-of-range");
        assertThat((String) answer.get("message")).contains("not written").contains("[0.0, 100.0]");
        assertThat(notWritable).containsEntry("ok", false).containsEntry("error", "not-writable");
        assertThat(setpoint()).isEqualTo(7);
        assertThat(sim.unit().register(DataTable.HOLDING_REGISTER, 1)).isZero();
    }

    @Test
    void logs_are_bounded_hold_a_known_line_and_never_a_secret() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        org.slf4j.Logger log = LoggerFactory.getLogger("test.leaky-library");
        log.info("{} connecting to https://admin:{}@127.0.0.1/", marker, OPS_PASSWORD);

        Map<String, Object> answer = sendPlain("\"command\":\"logs\",\"lines\":50");

        assertThat(answer).containsEntry("ok", true).containsEntry("truncated", false);
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) answer.get("log");
        assertThat(lines).hasSizeLessThanOrEqualTo(50).anyMatch(l -> l.contains(marker) && l.contains("admin:******@"));
        assertThat(String.join("\n", lines)).doesNotContain(OPS_PASSWORD);

        String big = "x".repeat(1500);
        for (int i = 0; i < 100; i++) {
            log.info("{} {}", i, big);
        }
        Map<String, Object> bounded = sendPlain("\"command\":\"logs\",\"lines\":1000");

        assertThat(bounded).containsEntry("ok", true).containsEntry("truncated", true);
        @SuppressWarnings("unchecked")
        List<String> kept = (List<String>) bounded.get("log");
        int bytes = kept.stream().mapToInt(l -> l.getBytes(StandardCharsets.UTF_8).length + 3).sum();
        assertThat(bytes).as("the newest lines fill the answer up to its 64 KiB").isBetween(56 * 1024, 64 * 1024);
        assertThat(kept.get(kept.size() - 1)).as("the newest line last").contains("99 xxx");
        assertThat(sendPlain("\"command\":\"logs\",\"lines\":1001")).containsEntry("error", "malformed");
    }

    @Test
    void restart_adapter_is_signed_and_brings_the_device_back_online() throws Exception {
        Instant before = gateway.runtime().statuses().get("plc").since();

        assertThat(sendPlain("\"command\":\"restart-adapter\",\"device\":\"plc\"")).containsEntry("error", "unsigned");
        assertThat(gateway.runtime().statuses().get("plc").since()).isEqualTo(before);
        Map<String, Object> answer = sendSigned("\"command\":\"restart-adapter\",\"device\":\"plc\"");

        assertThat(answer).as("%s", answer).containsEntry("ok", true).containsEntry("state", "online");
        DeviceStatus now = gateway.runtime().statuses().get("plc");
        assertThat(now.state()).isEqualTo(DeviceStatus.State.ONLINE);
        assertThat(now.since()).as("a new adapter's status").isAfter(before);
        assertThat(sendSigned("\"command\":\"restart-adapter\",\"device\":\"nope\""))
                .containsEntry("error", "unknown-device");
    }

    @Test
    void restart_adapter_of_a_device_that_is_gone_answers_offline() throws Exception {
        sim.close();
        sim = null;

        Map<String, Object> answer = sendSigned("\"command\":\"restart-adapter\",\"device\":\"plc\",\"timeout\":20");

        assertThat(answer).as("%s", answer).containsEntry("ok", false).containsEntry("error", "offline");
    }

    @Test
    void probe_reads_the_simulator_registers_of_a_configured_device_and_probe_or_discover_elsewhere_is_refused() throws Exception {
        sim.unit().setRegisters(DataTable.HOLDING_REGISTER, 10, 1234, 5678);

        Map<String, Object> byDevice = sendPlain("\"command\":\"probe\",\"device\":\"plc\",\"address\":\"40011\",\"count\":2");
        Map<String, Object> byHost = sendPlain("\"command\":\"probe\",\"host\":\"127.0.0.1\",\"port\":" + sim.port()
                + ",\"address\":\"40011\",\"count\":2");
        Map<String, Object> elsewhere = sendPlain("\"command\":\"probe\",\"host\":\"192.0.2.10\",\"port\":502,"
                + "\"address\":\"40001\"");

        assertThat(byDevice).as("%s", byDevice).containsEntry("ok", true).containsEntry("truncated", false);
        assertThat(byDevice.get("registers")).isEqualTo(List.of(1234L, 5678L));
        assertThat(byHost.get("registers")).isEqualTo(List.of(1234L, 5678L));
        assertThat(elsewhere).containsEntry("ok", false).containsEntry("error", "not-allowed");
        assertThat(sendPlain("\"command\":\"discover\"")).containsEntry("ok", false).containsEntry("error", "not-allowed");
    }

    @Test
    void browse_lists_a_configured_opc_ua_server_and_refuses_servers_the_configuration_does_not_name() throws Exception {
        try (OpcUaSimulator opcUa = OpcUaSimulator.builder().port(opcUaPort).build().start()) {
            Map<String, Object> answer = sendPlain("\"command\":\"browse\",\"device\":\"boiler\",\"depth\":4");
            Map<String, Object> modbus = sendPlain("\"command\":\"browse\",\"device\":\"plc\"");

            assertThat(answer).as("%s", answer).containsEntry("ok", true).containsEntry("truncated", false);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) answer.get("rows");
            assertThat(rows).anyMatch(r -> "Variable".equals(r.get("class")) && String.valueOf(r.get("path")).contains("Boiler"));
            assertThat(modbus).containsEntry("ok", false).containsEntry("error", "unknown-device");
        }
    }

    @Test
    void the_fleet_cmd_command_line_writes_signed_and_fails_unsigned() throws Exception {
        String[] common = {"--broker", cloudUri(), "--timeout", "60s"};

        int unsigned = Main.run(concat(new String[] {"fleet", "cmd", "gw1", "write", "--device", "plc", "--point",
                "setpoint", "--value", "33"}, common));
        String refusal = console.out();
        int signedStatus = Main.run(concat(new String[] {"fleet", "cmd", "gw1", "write", "--device", "plc", "--point",
                "setpoint", "--value", "33", "--sign-key", dir.resolve("keys/ops.key").toString()}, common));

        assertThat(unsigned).as(console.all()).isEqualTo(ExitCodes.FAILURE);
        assertThat(refusal).contains("\"ok\":false").contains("\"error\":\"unsigned\"");
        assertThat(signedStatus).as(console.all()).isEqualTo(ExitCodes.OK);
        assertThat(console.out()).contains("\"ok\":true").contains("\"device-answer\":\"ok\"");
        assertThat(setpoint()).isEqualTo(33);

        console.reset();
        assertThat(Main.run(concat(new String[] {"fleet", "cmd", "gw1", "read", "--device", "plc", "--point",
                "setpoint"}, common))).as(console.all()).isEqualTo(ExitCodes.OK);
        assertThat(console.out()).contains("\"point\":\"setpoint\"");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
