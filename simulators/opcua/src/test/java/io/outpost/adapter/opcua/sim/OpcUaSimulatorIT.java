package io.outpost.adapter.opcua.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.testing.FreePorts;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator seen by Milo's own client: its endpoints, its certificate, an encrypted session. */
class OpcUaSimulatorIT {

    @Test
    void endpoints_offerEveryChosenPolicyWithSignAndSignAndEncrypt_andNoneOnlyWhenChosen() throws Exception {
        try (OpcUaSimulator all = OpcUaSimulator.builder().port(FreePorts.tcp()).motion(Duration.ZERO).build().start();
             OpcUaSimulator basic = OpcUaSimulator.builder().port(FreePorts.tcp()).motion(Duration.ZERO)
                     .securityPolicies(Set.of(SecurityPolicy.Basic256Sha256)).build().start()) {
            assertThat(endpoints(all)).containsExactlyInAnyOrder("None/None",
                    "Basic256Sha256/Sign", "Basic256Sha256/SignAndEncrypt",
                    "Aes128_Sha256_RsaOaep/Sign", "Aes128_Sha256_RsaOaep/SignAndEncrypt",
                    "Aes256_Sha256_RsaPss/Sign", "Aes256_Sha256_RsaPss/SignAndEncrypt");
            assertThat(endpoints(basic)).containsExactlyInAnyOrder("Basic256Sha256/Sign", "Basic256Sha256/SignAndEncrypt");
        }
    }

    @Test
    void certificateDir_keepsTheServerCertificateAcrossRestarts_andWithoutOneEachStartHasANewOne(@TempDir Path dir)
            throws Exception {
        X509Certificate first;
        try (OpcUaSimulator sim = OpcUaSimulator.builder().port(FreePorts.tcp()).certificateDir(dir).build().start()) {
            first = sim.certificate();
            assertThat(first.getSubjectX500Principal().getName()).contains("CN=Outpost OPC UA simulator");
            assertThat(servedCertificate(sim)).isEqualTo(first.getEncoded());
        }
        try (OpcUaSimulator again = OpcUaSimulator.builder().port(FreePorts.tcp()).certificateDir(dir).build().start();
             OpcUaSimulator fresh = OpcUaSimulator.builder().port(FreePorts.tcp()).build().start()) {
            assertThat(again.certificate()).isEqualTo(first);
            assertThat(servedCertificate(again)).isEqualTo(first.getEncoded());
            assertThat(fresh.certificate()).isNotEqualTo(first);
        }
    }

    @Test
    void aes256RsaPssSignAndEncrypt_servesValues_toAClientThatTrustsOnlyTheSimulatorsCertificate() throws Exception {
        try (OpcUaSimulator sim = OpcUaSimulator.builder().port(FreePorts.tcp()).motion(Duration.ZERO).build().start()) {
            sim.set("Test/ReadOnly", 42.0);
            KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            X509Certificate clientCertificate = new SelfSignedCertificateBuilder(pair).setCommonName("test client")
                    .setApplicationUri("urn:outpost:test:client").build();
            OpcUaClient client = OpcUaClient.create(sim.endpointUrl(),
                    list -> list.stream().filter(e -> e.getSecurityPolicyUri().equals(SecurityPolicy.Aes256_Sha256_RsaPss.getUri())
                            && e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt).findFirst(),
                    transport -> { },
                    config -> config.setApplicationUri("urn:outpost:test:client")
                            .setKeyPair(pair)
                            .setCertificate(clientCertificate)
                            .setCertificateChain(new X509Certificate[] {clientCertificate})
                            .setCertificateValidator((chain, uri, hosts) -> {
                                if (!chain.get(0).equals(sim.certificate())) {
                                    throw new UaException(StatusCodes.Bad_SecurityChecksFailed, "not the simulator");
                                }
                            }));
            client.connect();
            try {
                DataValue value = client.readValue(0, TimestampsToReturn.Both, NodeId.parse(sim.nodeId("Test/ReadOnly")));
                assertThat(value.statusCode().isGood()).isTrue();
                assertThat(value.value().value()).isEqualTo(42.0);
                assertThat(sim.sessionCount()).isEqualTo(1);
            } finally {
                client.disconnect();
            }
        }
    }

    private static List<String> endpoints(OpcUaSimulator sim) throws Exception {
        return DiscoveryClient.getEndpoints(sim.endpointUrl()).get(30, TimeUnit.SECONDS).stream()
                .map(e -> policy(e.getSecurityPolicyUri()) + "/" + e.getSecurityMode())
                .toList();
    }

    private static String policy(String uri) {
        return Arrays.stream(SecurityPolicy.values()).filter(p -> p.getUri().equals(uri)).findFirst()
                .map(SecurityPolicy::name).orElse(uri);
    }

    private static byte[] servedCertificate(OpcUaSimulator sim) throws Exception {
        List<EndpointDescription> endpoints = DiscoveryClient.getEndpoints(sim.endpointUrl()).get(30, TimeUnit.SECONDS);
        byte[] served = endpoints.get(0).getServerCertificate().bytesOrEmpty();
        assertThat(endpoints).allSatisfy(e -> assertThat(Arrays.equals(e.getServerCertificate().bytesOrEmpty(), served)).isTrue());
        return served;
    }
}
