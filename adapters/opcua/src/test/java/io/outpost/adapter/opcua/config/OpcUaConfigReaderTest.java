package io.outpost.adapter.opcua.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.adapter.opcua.OpcUaAdapterFactory;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpcUaConfigReaderTest {

    private static GatewayConfig load(String device) throws ConfigException {
        String yaml = "gateway: {id: gw, data-dir: /tmp/outpost-opcua-test}\ndevices:\n" + device;
        return new ConfigLoader(new AdapterCatalog(List.of(new OpcUaAdapterFactory())), List.of(),
                PayloadFormats.standard().names(), new Interpolator(Map.of("PLC_PASSWORD", "pw")::get))
                .parse(yaml, Path.of("/etc/outpost/site.yaml"));
    }

    private static String problems(String device) {
        try {
            load(device);
            throw new AssertionError("expected problems");
        } catch (ConfigException e) {
            return e.getMessage() + "\n" + String.join("\n", e.problems().stream().map(Object::toString).toList());
        }
    }

    @Test
    void fullDevice_isReadWithEveryKey() throws Exception {
        DeviceConfig d = load("""
                  - id: boiler-plc
                    protocol: opcua
                    connection:
                      endpoint: opc.tcp://127.0.0.1:4840/outpost-demo
                      security-policy: aes256-sha256-rsapss
                      security-mode: sign
                      auth: {username: operator, password: "${env:PLC_PASSWORD}"}
                      trust-server: auto-accept
                      keep-alive: 2s
                      keep-alive-failures: 3
                      session-timeout: 1m
                    subscription: {publishing-interval: 500ms}
                    points:
                      - {id: t, node: "ns=2;s=Boiler/Temperature", sampling-interval: 250ms, queue-size: 10, deadband: 0.5}
                      - {id: p, browse-path: /Objects/2:Boiler/Pressure, mode: poll}
                """).devices().get(0);
        OpcUaDeviceSettings s = d.settings(OpcUaDeviceSettings.class);
        assertThat(s.endpoint()).isEqualTo("opc.tcp://127.0.0.1:4840/outpost-demo");
        assertThat(s.securityPolicy()).isEqualTo(SecurityPolicyName.AES256_SHA256_RSAPSS);
        assertThat(s.securityMode()).isEqualTo(SecurityModeName.SIGN);
        assertThat(s.auth()).isInstanceOfSatisfying(UserAuth.Username.class, u -> {
            assertThat(u.username()).isEqualTo("operator");
            assertThat(u.password().reveal()).isEqualTo("pw");
            assertThat(u.toString()).doesNotContain("pw");
        });
        assertThat(s.trust()).isEqualTo(TrustMode.AUTO_ACCEPT);
        assertThat(s.keepAliveInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.keepAliveFailures()).isEqualTo(3);
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.effectivePublishingInterval(Duration.ofSeconds(9))).isEqualTo(Duration.ofMillis(500));

        OpcUaPointSettings t = d.points().get(0).settings(OpcUaPointSettings.class);
        assertThat(t.node()).isInstanceOf(NodeAddress.Id.class);
        assertThat(t.mode()).isEqualTo(PointMode.SUBSCRIBE);
        assertThat(t.effectiveSamplingInterval(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(250));
        assertThat(t.queueSize()).isEqualTo(10);
        OpcUaPointSettings p = d.points().get(1).settings(OpcUaPointSettings.class);
        assertThat(p.mode()).isEqualTo(PointMode.POLL);
        assertThat(((NodeAddress.BrowsePath) p.node()).segments())
                .containsExactly(new NodeAddress.Segment(2, "Boiler"), new NodeAddress.Segment(-1, "Pressure"));
    }

    @Test
    void defaults_areSecure_andFollowThePollInterval() throws Exception {
        DeviceConfig d = load("""
                  - id: plc
                    protocol: opcua
                    poll-interval: 2s
                    connection: {endpoint: "opc.tcp://127.0.0.1:4840"}
                    points:
                      - {id: t, node: "i=2258"}
                """).devices().get(0);
        OpcUaDeviceSettings s = d.settings(OpcUaDeviceSettings.class);
        assertThat(s.securityPolicy()).isEqualTo(SecurityPolicyName.BASIC256SHA256);
        assertThat(s.securityMode()).isEqualTo(SecurityModeName.SIGN_AND_ENCRYPT);
        assertThat(s.auth()).isInstanceOf(UserAuth.Anonymous.class);
        assertThat(s.trust()).isEqualTo(TrustMode.PKI);
        assertThat(s.effectivePublishingInterval(d.pollInterval())).isEqualTo(Duration.ofSeconds(2));
        OpcUaPointSettings t = d.points().get(0).settings(OpcUaPointSettings.class);
        assertThat(t.effectiveSamplingInterval(d.points().get(0).pollInterval())).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.effectiveQueueSize(Duration.ofMillis(100), Duration.ofSeconds(1))).isEqualTo(10);
        assertThat(t.effectiveQueueSize(Duration.ofSeconds(2), Duration.ofSeconds(1))).isEqualTo(1);
        assertThat(d.points().get(0).type()).isNull();
    }

    @Test
    void certificateAuth_pathsAreRelativeToTheConfigFile() throws Exception {
        DeviceConfig d = load("""
                  - id: plc
                    protocol: opcua
                    connection:
                      endpoint: "opc.tcp://127.0.0.1:4840"
                      auth: {certificate: certs/user.pem, key: certs/user-key.pem}
                    points:
                      - {id: t, node: "i=2258"}
                """).devices().get(0);
        assertThat(d.settings(OpcUaDeviceSettings.class).auth()).isEqualTo(new UserAuth.Certificate(
                Path.of("/etc/outpost/certs/user.pem"), Path.of("/etc/outpost/certs/user-key.pem")));
    }

    @Test
    void mistakes_areReportedTogether_withLineAndKey() {
        String report = problems("""
                  - id: plc
                    protocol: opcua
                    connection:
                      endpoint: http://plc:4840
                      security-policy: basic256
                      security-mod: sign
                      auth: {username: op}
                      trust-server: always
                    subscription: {publishing-interval: fast}
                    points:
                      - {id: a, node: "ns=2;x=Bad"}
                      - {id: b}
                      - {id: c, node: "i=1", browse-path: /Objects/X}
                      - {id: d, browse-path: "Objects/X"}
                      - {id: e, node: "i=1", mode: poll, queue-size: 5}
                      - {id: f, node: "i=1", mode: sometimes}
                """);
        assertThat(report)
                .contains("site.yaml:6:17").contains("opc.tcp://host:4840/path")
                .contains("devices[0].connection.security-policy").contains("did you mean 'basic256sha256'")
                .contains("unknown key 'security-mod'").contains("did you mean 'security-mode'")
                .contains("devices[0].connection.auth.password").contains("required key 'password'")
                .contains("trust-server").contains("pki, auto-accept")
                .contains("publishing-interval")
                .contains("'ns=2;x=Bad' is not a node id")
                .contains("devices[0].points[1].node").contains("browse-path: /Objects/Boiler/Temperature")
                .contains("either node: or browse-path:, not both")
                .contains("a browse path starts with '/'")
                .contains("queue-size applies to mode: subscribe only")
                .contains("devices[0].points[5].mode");
    }

    @Test
    void inconsistentSecurity_isRefused() {
        assertThat(problems("""
                  - id: plc
                    protocol: opcua
                    connection: {endpoint: "opc.tcp://127.0.0.1:4840", security-policy: none, security-mode: sign}
                    points: [{id: t, node: "i=2258"}]
                """)).contains("security-policy none carries no signatures");
        assertThat(problems("""
                  - id: plc
                    protocol: opcua
                    connection: {endpoint: "opc.tcp://127.0.0.1:4840", security-mode: none}
                    points: [{id: t, node: "i=2258"}]
                """)).contains("needs security-mode sign or sign-and-encrypt");
    }

    @Test
    void nodeIdsInEveryNotation_areAccepted() throws Exception {
        assertThatThrownBy(() -> load("x")).isInstanceOf(ConfigException.class);
        DeviceConfig d = load("""
                  - id: plc
                    protocol: opcua
                    connection: {endpoint: "opc.tcp://127.0.0.1:4840"}
                    points:
                      - {id: s, node: "ns=2;s=Boiler/Temperature"}
                      - {id: i, node: "ns=3;i=1001"}
                      - {id: g, node: "ns=1;g=5b3b5c2e-8f1a-4c7e-9d7e-2f1c3a4b5d6e"}
                      - {id: b, node: "ns=1;b=CgsM"}
                      - {id: u, node: "nsu=urn:outpost:simulator;s=Test/Double"}
                      - {id: z, node: "i=2258"}
                """).devices().get(0);
        assertThat(d.points()).hasSize(6)
                .allSatisfy(p -> assertThat(p.settings(OpcUaPointSettings.class).node()).isInstanceOf(NodeAddress.Id.class));
    }
}
