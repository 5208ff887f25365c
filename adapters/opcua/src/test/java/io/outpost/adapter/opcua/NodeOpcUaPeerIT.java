package io.outpost.adapter.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.adapter.opcua.browse.BrowseOptions;
import io.outpost.adapter.opcua.browse.BrowseRow;
import io.outpost.adapter.opcua.browse.OpcUaBrowser;
import io.outpost.adapter.opcua.config.OpcUaDeviceSettings;
import io.outpost.adapter.opcua.config.SecurityModeName;
import io.outpost.adapter.opcua.config.SecurityPolicyName;
import io.outpost.adapter.opcua.config.TrustMode;
import io.outpost.adapter.opcua.config.UserAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The same behaviour against an independent implementation: a node-opcua server. */
class NodeOpcUaPeerIT {

    static final String NS = "nsu=urn:outpost:node-peer;s=";
    @TempDir
    static Path pki;
    static NodeOpcUaServer server;

    @BeforeAll
    static void start() {
        NodeOpcUaServer.assumeAvailable();
        server = NodeOpcUaServer.start(pki);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String device(String endpoint, String connection, String points) {
        return "  - id: peer\n"
                + "    protocol: opcua\n"
                + "    poll-interval: 200ms\n"
                + "    backoff: {initial: 200ms, max: 2s}\n"
                + "    connection: {endpoint: \"" + endpoint + "\", " + connection + "}\n"
                + "    subscription: {publishing-interval: 100ms}\n"
                + "    points:\n" + points;
    }

    static Stream<Arguments> policiesAndModes() {
        return OpcUaSecurityIT.policiesAndModes();
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("policiesAndModes")
    void everyPolicyAndMode_deliversValues(SecurityPolicyName policy, SecurityModeName mode, @TempDir Path dir)
            throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(server.endpoint(), "security-policy: "
                + policy.configName() + ", security-mode: " + mode.configName() + ", trust-server: auto-accept",
                "      - {id: counter, node: \"" + NS + "Boiler/Counter\", sampling-interval: 50ms}\n")).start()) {
            Payload first = gw.await("peer", "counter", Payload::good);
            gw.await("peer", "counter", p -> p.good() && p.number() > first.number());
        }
    }

    @Test
    void subscriptionsPollsTypesAndStatusCodes(@TempDir Path dir) throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(server.endpoint(), "security-policy: none",
                "      - {id: temperature, node: \"" + NS + "Boiler/Temperature\", sampling-interval: 50ms}\n"
                        + "      - {id: counter, browse-path: /Objects/Boiler/Counter, mode: poll}\n"
                        + "      - {id: array, node: \"" + NS + "Boiler/Array\", mode: poll}\n"
                        + "      - {id: sensor, node: \"" + NS + "Boiler/Sensor\"}\n"
                        + "      - {id: stale, node: \"" + NS + "Boiler/Stale\", mode: poll}\n"
                        + "      - {id: missing, node: \"" + NS + "Boiler/Missing\", mode: poll}\n")).start()) {
            await().atMost(GatewayUnderTest.WAIT).until(() -> gw.payloads("peer", "temperature").stream()
                    .filter(Payload::good).map(Payload::value).distinct().count() >= 3);
            Payload c1 = gw.await("peer", "counter", Payload::good);
            gw.await("peer", "counter", p -> p.good() && p.number() > c1.number());
            assertThat(gw.await("peer", "array", Payload::good).value()).isEqualTo(List.of(1L, 2L, 3L));
            assertThat(gw.await("peer", "sensor", p -> !p.good()).reason()).isEqualTo("Bad_SensorFailure");
            Payload stale = gw.await("peer", "stale", p -> "uncertain".equals(p.quality()));
            assertThat(stale.reason()).isEqualTo("Uncertain_LastUsableValue");
            assertThat(stale.value()).isEqualTo(7.0);
            assertThat(gw.await("peer", "missing", p -> !p.good()).reason()).isEqualTo("Bad_NodeIdUnknown");
        }
    }

    @Test
    void percentDeadband_isAppliedByTheServer_toItsAnalogItem(@TempDir Path dir) throws Exception {
        try (LogCapture log = new LogCapture(io.outpost.adapter.opcua.subscription.SubscriptionSet.class);
             GatewayUnderTest gw = new GatewayUnderTest(dir, device(server.endpoint(), "security-policy: none",
                     "      - {id: level, node: \"" + NS + "Boiler/Level\", sampling-interval: 10ms, deadband: 5%, "
                             + "report: every-read}\n")).start()) {
            await().atMost(GatewayUnderTest.WAIT).until(() -> gw.payloads("peer", "level").size() >= 6);
            List<Double> values = gw.payloads("peer", "level").stream().filter(Payload::good).map(Payload::number)
                    .toList();
            for (int i = 1; i < values.size(); i++) {
                // The level climbs 0.5 per step: without the server's deadband (5% of EURange 0..100) every
                // step would arrive, since report: every-read keeps everything the gateway receives.
                assertThat(Math.abs(values.get(i) - values.get(i - 1))).isGreaterThan(5.0);
            }
            assertThat(log.messages()).noneMatch(m -> m.contains("refused the deadband"));
        }
    }

    @Test
    void usernameLogin_andWrites(@TempDir Path dir) throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(server.endpoint(),
                "security-policy: basic256sha256, trust-server: auto-accept, auth: {username: operator, password: s3cret}",
                "      - {id: sp, node: \"" + NS + "Boiler/Setpoint\", writable: true}\n")).start()) {
            gw.await("peer", "sp", Payload::good);
            assertThat(gw.command("peer", "sp", "72.5").fields()).containsEntry("ok", true);
            gw.await("peer", "sp", p -> Double.valueOf(72.5).equals(p.value()));
            assertThat(gw.command("peer", "sp", "\"warm\"").fields()).containsEntry("error", "conversion-error");
        }
    }

    @Test
    void untrustedCertificate_isRefused_thenAcceptedOnceTrusted(@TempDir Path dir) throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(server.endpoint(), "security-policy: basic256sha256",
                "      - {id: counter, node: \"" + NS + "Boiler/Counter\"}\n")).start()) {
            // The status names the file to move (issue 15), not the PKIX status.
            gw.awaitState("peer", "offline", r -> r.startsWith("server certificate not trusted: " + dir.resolve("data/opcua/rejected")));
            Path refused = gw.awaitRejectedCertificate();
            Files.move(refused, dir.resolve("data/opcua/trusted").resolve(refused.getFileName()));
            gw.await("peer", "counter", Payload::good);
        }
    }

    @Test
    void browse_listsTheAnalogItemWithItsTypeAndAccess(@TempDir Path dir) throws Exception {
        OpcUaDeviceSettings settings = OpcUaDeviceSettings.of(server.endpoint(), SecurityPolicyName.NONE,
                SecurityModeName.NONE, new UserAuth.Anonymous(), TrustMode.PKI);
        try (OpcUaBrowser browser = OpcUaBrowser.connect(settings, dir, "gw", Duration.ofSeconds(30))) {
            List<BrowseRow> rows = browser.browse(BrowseOptions.DEFAULT.withMaxDepth(2));
            assertThat(rows).filteredOn(r -> r.path().equals("/Boiler/Level")).singleElement().satisfies(r -> {
                assertThat(r.dataType()).isEqualTo("Double");
                assertThat(r.access()).contains("read");
                assertThat(r.nodeId()).endsWith(";s=Boiler/Level");
            });
            assertThat(rows).filteredOn(r -> r.path().equals("/Boiler/Setpoint")).singleElement()
                    .satisfies(r -> assertThat(r.access()).isEqualTo("read/write"));
        }
    }

    @Test
    void serverRestart_isRecovered(@TempDir Path dir) throws Exception {
        NodeOpcUaServer own = NodeOpcUaServer.start(dir.resolve("pki"));
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(own.endpoint(),
                "security-policy: basic256sha256, trust-server: auto-accept",
                "      - {id: counter, node: \"" + NS + "Boiler/Counter\", sampling-interval: 50ms}\n")).start()) {
            gw.await("peer", "counter", Payload::good);
            own.kill();
            gw.await("peer", "counter", p -> !p.good());
            // The counter starts from 0 again in the new process: a small value proves it is the new server.
            try (NodeOpcUaServer again = NodeOpcUaServer.start(dir.resolve("pki"), own.port())) {
                int before = gw.payloads("peer", "counter").size();
                await().atMost(GatewayUnderTest.WAIT).until(() -> gw.payloads("peer", "counter").stream()
                        .skip(before).anyMatch(Payload::good));
                gw.awaitState("peer", "online");
            }
        } finally {
            own.close();
        }
    }
}
