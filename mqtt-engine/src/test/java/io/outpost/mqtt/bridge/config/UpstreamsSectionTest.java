package io.outpost.mqtt.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.GatewayConfig;
import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import io.outpost.mqtt.internal.bridge.testing.BridgeConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamsSectionTest {

    private static final Path CONFIGS = Path.of("..", "configs");

    @TempDir
    Path dir;

    private static UpstreamsConfig upstreams(GatewayConfig c) {
        return c.section(UpstreamsSection.KEY, UpstreamsConfig.class).orElseThrow();
    }

    private List<ConfigProblem> problems(String upstreamsYaml) {
        try {
            BridgeConfigs.gateway(dir, upstreamsYaml, Map.of("CLOUD_PW", "s3cret"));
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the config to be refused");
    }

    private UpstreamConfig only(String upstreamsYaml) throws ConfigException {
        return upstreams(BridgeConfigs.gateway(dir, upstreamsYaml, Map.of("CLOUD_PW", "s3cret"))).upstreams().get(0);
    }

    @Test
    void the_documented_example_file_is_valid_and_means_what_its_comments_say() throws Exception {
        UpstreamsConfig config = upstreams(BridgeConfigs.load(CONFIGS.resolve("upstreams.yaml")));

        UpstreamConfig room = config.upstream("control-room").orElseThrow();
        assertThat(room.servers()).containsExactly(new ServerUri(false, "127.0.0.1", 18830));
        assertThat(room.forward()).hasSize(2);
        assertThat(room.forward().get(1).to().apply("north-field/tank-farm/alarms/high-level"))
                .isEqualTo("alarms/north-field/tank-farm/high-level");
        assertThat(room.reverse().get(0).to().apply("commands/pump-station-7/tank-farm/setpoint/set"))
                .isEqualTo("north-field/tank-farm/setpoint/set");
        assertThat(room.store().maxBytes()).isEqualTo(512L << 20);
        assertThat(room.store().maxAge()).isEqualTo(Duration.ofDays(30));
        assertThat(room.store().classes()).extracting(PriorityClass::name).containsExactly("alarms", "default");
        assertThat(room.store().classOf("north-field/pump/alarms/dry-run")).isZero();
        assertThat(room.store().classOf("north-field/pump/flow")).isEqualTo(1);
        assertThat(room.rateLimit()).isZero();
        assertThat(room.statusTopic()).isEqualTo("$SYS/outpost/upstreams/control-room");
        UpstreamConfig cloud = config.upstream("cloud").orElseThrow();
        assertThat(cloud.servers()).allMatch(ServerUri::tls).extracting(ServerUri::port).containsExactly(8883, 8883);
        assertThat(cloud.tls().verifyHostname()).isTrue();
    }

    @Test
    void the_upstreams_block_of_the_main_example_is_valid() throws Exception {
        String yaml = Files.readString(CONFIGS.resolve("example.yaml"), StandardCharsets.UTF_8);
        int start = yaml.indexOf("\nupstreams:") + 1;
        int end = yaml.indexOf("\ndevices:", start);

        UpstreamConfig u = upstreams(BridgeConfigs.gateway(dir, yaml.substring(start, end), Map.of())).upstreams().get(0);

        assertThat(u.name()).isEqualTo("cloud");
        assertThat(u.protocol()).isEqualTo(MqttProtocol.V5);
        assertThat(u.clientId()).isEqualTo("pump-station-7");
        assertThat(u.forward().get(0).to().apply("north-field/tank-farm/level")).isEqualTo("sites/north-field/tank-farm/level");
        assertThat(u.store().sync()).isEqualTo(SyncPolicy.GROUP_COMMIT);
        assertThat(u.inflightWindow()).isEqualTo(1000);
        assertThat(u.cleanStart()).isFalse();
    }

    @Test
    void defaults_fit_a_remote_site() throws Exception {
        UpstreamConfig u = only("""
                upstreams:
                  - name: c
                    servers: ["mqtt://10.0.0.1"]
                    mqtt-version: 3.1.1
                    forward: [{from: "#"}]
                """);

        assertThat(u.servers().get(0).port()).isEqualTo(1883);
        assertThat(u.inflightWindow()).as("3.1.1 servers cannot state their limit").isEqualTo(20);
        assertThat(u.keepAlive()).isEqualTo(Duration.ofSeconds(60));
        assertThat(u.sessionExpiry()).isEqualTo(Duration.ofDays(1));
        assertThat(u.stallTimeout()).as("auto: from the measured response times").isNull();
        assertThat(u.probeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(u.store().classes()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("default");
            assertThat(c.overflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
        });
        assertThat(u.forward().get(0).qos()).isEqualTo(1);
        assertThat(u.forward().get(0).to().apply("a/b")).isEqualTo("a/b");
    }

    @Test
    void secrets_and_rates_are_read_as_written() throws Exception {
        UpstreamConfig u = only("""
                upstreams:
                  - name: c
                    servers: ["mqtts://broker.example.com"]
                    username: gw
                    password: ${env:CLOUD_PW}
                    rate-limit: 16KB/s
                    session-expiry: never
                    forward: [{from: "#", qos: 2}]
                """);

        assertThat(u.password().reveal()).isEqualTo("s3cret");
        assertThat(u.toString()).doesNotContain("s3cret");
        assertThat(u.rateLimit()).isEqualTo(16 * 1024);
        assertThat(u.sessionExpiry()).isNull();
        assertThat(u.servers().get(0).port()).isEqualTo(8883);
    }

    @Test
    void a_misspelled_key_is_reported_with_its_line_and_a_suggestion() {
        List<ConfigProblem> problems = problems("""
                upstreams:
                  - name: c
                    servers: ["mqtt://10.0.0.1"]
                    forward: [{from: "#"}]
                    stall-timout: 10s
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("upstreams[0].stall-timout");
            assertThat(p.mark().line()).isEqualTo(6);
            assertThat(p.message()).contains("did you mean 'stall-timeout'?");
        });
    }

    @Test
    void every_mistake_is_reported_together_with_where_it_is() {
        List<ConfigProblem> problems = problems("""
                upstreams:
                  - name: c
                    servers: ["http://10.0.0.1"]
                    mqtt-version: 4
                    forward:
                      - {from: "a/#/b", to: "x"}
                      - {from: "a/+", to: "{nope}/x", qos: 3}
                    store:
                      sync: sometimes
                      classes: [{name: alarms, overflow: drop-newest}]
                  - name: c
                    servers: ["mqtt://10.0.0.2"]
                    reverse: [{from: "cmd/#"}]
                """);

        assertThat(problems).extracting(ConfigProblem::path).contains(
                "upstreams[0].servers", "upstreams[0].mqtt-version", "upstreams[0].forward[0].from",
                "upstreams[0].forward[1].to", "upstreams[0].forward[1].qos", "upstreams[0].store.sync",
                "upstreams[0].store.classes[0].overflow", "upstreams[0].store.classes[0].topics");
        assertThat(problems).filteredOn(p -> p.path().equals("upstreams[0].servers")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("mqtt://", "mqtts://"));
        assertThat(problems).filteredOn(p -> p.path().equals("upstreams[0].forward[1].to")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("{nope}", "{topic}"));
        assertThat(problems).filteredOn(p -> p.path().equals("upstreams[0].store.classes[0].overflow")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("drop-oldest"));
    }

    @Test
    void the_example_satellite_upstream_has_its_budget_and_replay_share_as_written() throws Exception {
        UpstreamConfig sat = upstreams(BridgeConfigs.load(CONFIGS.resolve("upstreams.yaml"))).upstream("satellite")
                .orElseThrow();
        assertThat(sat.uplink().replayShare()).isEqualTo(30);
        BudgetConfig budget = sat.uplink().budget();
        assertThat(budget.per()).isEqualTo(BudgetConfig.Period.MONTH);
        assertThat(budget.bytes()).isEqualTo(300L << 20);
        assertThat(budget.startDay()).isEqualTo(5);
        assertThat(budget.lowAtPercent()).isEqualTo(80);
        assertThat(budget.minInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(budget.keep()).containsExactly("alarms");
        assertThat(sat.uplink().dictionaries()).hasSize(1);
    }

    @Test
    void budget_and_replay_share_mistakes_are_reported_with_their_keys() {
        List<ConfigProblem> problems = problems("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:1883"]
                    replay-share: 130%
                    budget: {per: day, start-day: 3, low-at: half, keep: [alarm]}
                    forward:
                      - {from: "north-field/#"}
                """);
        assertThat(problems).extracting(ConfigProblem::path).contains("upstreams[0].replay-share",
                "upstreams[0].budget.bytes", "upstreams[0].budget.start-day", "upstreams[0].budget.low-at",
                "upstreams[0].budget.keep");
        assertThat(problems).filteredOn(p -> p.path().equals("upstreams[0].budget.keep")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("'alarm'", "default"));
        assertThat(problems).filteredOn(p -> p.path().equals("upstreams[0].replay-share")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("1% to 100%", "130%"));
    }

    @Test
    void two_upstreams_with_one_name_are_refused() {
        assertThat(problems("""
                upstreams:
                  - {name: c, servers: ["mqtt://10.0.0.1"], forward: [{from: "#"}]}
                  - {name: c, servers: ["mqtt://10.0.0.2"], client-id: other, forward: [{from: "#"}]}
                """)).singleElement().satisfies(p -> assertThat(p.message()).contains("defined twice"));
    }

    @Test
    void two_upstreams_sharing_a_server_and_client_id_are_refused() {
        assertThat(problems("""
                upstreams:
                  - {name: a, servers: ["mqtt://10.0.0.1"], forward: [{from: "#"}]}
                  - {name: b, servers: ["mqtt://10.0.0.1"], forward: [{from: "#"}]}
                """)).singleElement().satisfies(p -> assertThat(p.message()).contains("same client id"));
    }

    @Test
    void qos2_without_a_persistent_session_is_refused() {
        assertThat(problems("""
                upstreams:
                  - {name: a, servers: ["mqtt://10.0.0.1"], clean-start: true, forward: [{from: "#", qos: 2}]}
                """)).singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("upstreams[0].clean-start");
                    assertThat(p.message()).contains("persistent session");
                });
    }

    @Test
    void a_password_or_commands_over_plain_mqtt_are_refused_unless_the_upstream_allows_plaintext() throws Exception {
        List<ConfigProblem> problems = problems("""
                upstreams:
                  - name: password
                    servers: ["mqtts://a.example.com", "mqtt://b.example.com"]
                    username: gw
                    password: secret
                    forward: [{from: "#"}]
                  - name: commands
                    servers: ["mqtt://broker.example.com"]
                    reverse: [{from: "cmd/#", to: "site/{#}"}]
                  - name: sparkplug
                    servers: ["mqtt://broker.example.com"]
                    mode: sparkplug
                    sparkplug: {group-id: g}
                    forward: [{from: "#"}]
                  - name: allowed
                    servers: ["mqtt://127.0.0.1"]
                    allow-plaintext: true
                    username: gw
                    password: secret
                    reverse: [{from: "cmd/#", to: "site/{#}"}]
                  - name: readings-only
                    servers: ["mqtt://broker.example.com"]
                    username: gw
                    forward: [{from: "#"}]
                """);

        assertThat(problems).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                "upstreams[0].servers", "upstreams[1].servers", "upstreams[2].servers");
        assertThat(problems.get(0).toString()).contains("gateway.yaml:4:", "mqtt://b.example.com:1883", "the password",
                "allow-plaintext: true");
        assertThat(problems.get(1).message()).contains("reverse rules");
        assertThat(problems.get(2).message()).contains("Sparkplug NCMD/DCMD");
    }

    @Test
    void tls_settings_are_checked_against_the_files_and_the_servers() throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        Path notPem = dir.resolve("key.txt");
        Files.writeString(notPem, "not a key");

        List<ConfigProblem> problems = problems("""
                upstreams:
                  - name: a
                    servers: ["mqtts://broker.example.com"]
                    tls: {ca: ca.pem, cert: missing.pem, key: key.txt}
                    forward: [{from: "#"}]
                  - name: b
                    servers: ["mqtt://broker.example.com"]
                    tls: {ca: ca.pem}
                    forward: [{from: "#"}]
                  - name: c
                    servers: ["mqtt://broker.example.com"]
                    allow-plaintext: true
                    client-id: c
                    mqtt-version: 3.1.1
                    password: x
                    forward: [{from: "#"}]
                """);

        assertThat(problems).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                "upstreams[0].tls.cert", "upstreams[0].tls.key", "upstreams[1].tls", "upstreams[2].password");
        assertThat(problems).filteredOn(p -> p.path().equals("upstreams[0].tls.cert")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("cannot read", "missing.pem"));
        assertThat(problems).filteredOn(p -> p.path().equals("upstreams[0].tls.key")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("not a PEM file"));
    }

    @Test
    void an_upstream_with_no_rules_says_what_is_missing() {
        assertThat(problems("""
                upstreams:
                  - {name: a, servers: ["mqtt://10.0.0.1"]}
                """)).singleElement().satisfies(p -> assertThat(p.message()).contains("required key 'forward'"));
    }
}
