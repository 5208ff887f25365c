package io.outpost.adapter.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.adapter.opcua.config.SecurityModeName;
import io.outpost.adapter.opcua.connection.OpcUaConnection;
import io.outpost.adapter.opcua.config.SecurityPolicyName;
import io.outpost.adapter.opcua.security.CertificateFiles;
import io.outpost.adapter.opcua.security.ServerCertificateCheck;
import io.outpost.adapter.opcua.sim.OpcUaSimulator;
import io.outpost.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Security against the embedded Milo simulator: every policy with Sign and SignAndEncrypt, user name and X.509
 * user identities, the PKI trust of the server certificate (refused, then accepted once the file is moved), and a
 * server without the wanted endpoint.
 */
class OpcUaSecurityIT {

    static OpcUaSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = OpcUaSimulator.builder().port(FreePorts.tcp()).user("operator", "s3cret").motion(Duration.ZERO).build().start();
        sim.set("Test/ReadOnly", 42.0);
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    static Stream<Arguments> policiesAndModes() {
        return Stream.of(SecurityPolicyName.BASIC256SHA256, SecurityPolicyName.AES128_SHA256_RSAOAEP,
                        SecurityPolicyName.AES256_SHA256_RSAPSS)
                .flatMap(p -> Stream.of(Arguments.of(p, SecurityModeName.SIGN),
                        Arguments.of(p, SecurityModeName.SIGN_AND_ENCRYPT)));
    }

    private static String device(String connection) {
        return "  - id: plc\n"
                + "    protocol: opcua\n"
                + "    poll-interval: 200ms\n"
                + "    backoff: {initial: 200ms, max: 1s}\n"
                + "    connection: {endpoint: \"" + sim.endpointUrl() + "\", " + connection + "}\n"
                + "    points:\n"
                + "      - {id: answer, node: \"" + sim.nodeId("Test/ReadOnly") + "\"}\n"
                + "      - {id: polled, node: \"" + sim.nodeId("Test/ReadOnly") + "\", mode: poll}\n";
    }

    private static void trustSimulator(Path dir) throws Exception {
        Path trusted = dir.resolve("data/opcua/trusted");
        Files.createDirectories(trusted);
        CertificateFiles.writeCertificate(trusted.resolve("simulator.der"), sim.certificate());
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("policiesAndModes")
    void everyPolicyAndMode_connectsToATrustedServer_andDeliversValues(SecurityPolicyName policy,
                                                                         SecurityModeName mode,
                                                                         @TempDir Path dir) throws Exception {
        trustSimulator(dir);
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device("security-policy: " + policy.configName()
                + ", security-mode: " + mode.configName())).start()) {
            assertThat(gw.await("plc", "answer", Payload::good).value()).isEqualTo(42.0);
            assertThat(gw.await("plc", "polled", Payload::good).value()).isEqualTo(42.0);
            gw.awaitState("plc", "online");
            // The gateway's own certificate was created on first start and kept under the data directory.
            assertThat(dir.resolve("data/opcua/own/cert.der")).exists();
            assertThat(dir.resolve("data/opcua/own/key.pem")).exists();
        }
    }

    @Test
    void securityNone_connectsAnonymously(@TempDir Path dir) throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device("security-policy: none")).start()) {
            assertThat(gw.await("plc", "answer", Payload::good).value()).isEqualTo(42.0);
        }
    }

    @Test
    void usernameAndPassword_logIn_andAWrongPasswordIsRefusedWithTheStatusName(@TempDir Path dir) throws Exception {
        trustSimulator(dir.resolve("good"));
        try (GatewayUnderTest gw = new GatewayUnderTest(dir.resolve("good"), device(
                "auth: {username: operator, password: s3cret}")).start()) {
            assertThat(gw.await("plc", "answer", Payload::good).value()).isEqualTo(42.0);
        }
        trustSimulator(dir.resolve("bad"));
        try (GatewayUnderTest gw = new GatewayUnderTest(dir.resolve("bad"), device(
                "auth: {username: operator, password: wrong}")).start()) {
            Payload offline = gw.awaitState("plc", "offline", r -> r.startsWith("Bad_"));
            assertThat((String) offline.fields().get("reason")).isIn("Bad_UserAccessDenied",
                    "Bad_IdentityTokenRejected", "Bad_IdentityTokenInvalid");
            Payload answer = gw.await("plc", "answer", p -> p.reason().startsWith("Bad_"));
            assertThat(answer.reason()).isEqualTo(offline.fields().get("reason"));
            assertThat(gw.payloads("plc", "answer")).noneMatch(Payload::good);
        }
    }

    @Test
    void x509UserCertificate_logsIn(@TempDir Path dir) throws Exception {
        trustSimulator(dir);
        KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        X509Certificate user = new SelfSignedCertificateBuilder(pair).setCommonName("operator")
                .setApplicationUri("urn:outpost:test:user").build();
        CertificateFiles.writeCertificate(dir.resolve("user.der"), user);
        CertificateFiles.writePrivateKey(dir.resolve("user-key.pem"), pair.getPrivate());
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "auth: {certificate: user.der, key: user-key.pem}")).start()) {
            assertThat(gw.await("plc", "answer", Payload::good).value()).isEqualTo(42.0);
        }
    }

    @Test
    void untrustedServerCertificate_isRefusedWithOneClearLogLine_thenAcceptedOnceMovedToTrusted(@TempDir Path dir)
            throws Exception {
        try (LogCapture log = new LogCapture(ServerCertificateCheck.class);
             LogCapture connection = new LogCapture(OpcUaConnection.class);
             GatewayUnderTest gw = new GatewayUnderTest(dir, device("security-policy: basic256sha256")).start()) {
            Path refused = gw.awaitRejectedCertificate();
            // Issue 15: the status names the file to move, not PKIX's "trustAnchors parameter must be non-empty".
            gw.awaitState("plc", "offline", r -> r.equals("server certificate not trusted: " + refused));
            assertThat(gw.statuses("plc")).noneMatch(p -> String.valueOf(p.fields().get("reason")).contains("trustAnchors"));
            // Several attempts fail while the file waits, yet the operator is told once, with the exact move.
            await().atMost(GatewayUnderTest.WAIT).until(() -> !log.messages().isEmpty());
            await().atMost(GatewayUnderTest.WAIT).until(() -> rejectedAttempts(gw) >= 3);
            Path trusted = dir.resolve("data/opcua/trusted");
            assertThat(log.messages()).singleElement().asString().contains("is not trusted")
                    .contains(refused.toString()).contains(trusted.toString());
            assertThat(gw.payloads("plc", "answer")).noneMatch(Payload::good);
            assertThat(connection.messages()).as("no second line per retry").noneMatch(m -> m.contains("cannot connect"));

            Files.move(refused, trusted.resolve(refused.getFileName()));

            assertThat(gw.await("plc", "answer", Payload::good).value()).isEqualTo(42.0);
            gw.awaitState("plc", "online");
            assertThat(log.messages()).hasSize(1);
        }
    }

    @Test
    void autoAccept_trustsAnyServerCertificate(@TempDir Path dir) throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "security-policy: aes256-sha256-rsapss, trust-server: auto-accept")).start()) {
            assertThat(gw.await("plc", "answer", Payload::good).value()).isEqualTo(42.0);
        }
    }

    @Test
    void serverWithoutTheConfiguredEndpoint_isReportedAsNoMatchingEndpoint(@TempDir Path dir) throws Exception {
        try (OpcUaSimulator basicOnly = OpcUaSimulator.builder().port(FreePorts.tcp()).motion(Duration.ZERO)
                .securityPolicies(Set.of(SecurityPolicy.Basic256Sha256)).build().start();
             GatewayUnderTest gw = new GatewayUnderTest(dir, device("security-policy: aes256-sha256-rsapss")
                     .replace(sim.endpointUrl(), basicOnly.endpointUrl())).start()) {
            gw.awaitState("plc", "offline", "no-matching-endpoint"::equals);
        }
    }

    /** Failed connection attempts so far: each one validates the certificate again. */
    private static double rejectedAttempts(GatewayUnderTest gw) {
        var counter = gw.meters.find("outpost.opcua.connect.failures").tag("device", "plc").counter();
        return counter == null ? 0 : counter.count();
    }
}
