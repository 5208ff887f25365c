package io.outpost.adapter.opcua.browse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.adapter.opcua.OpcUaAdapterFactory;
import io.outpost.adapter.opcua.config.OpcUaDeviceSettings;
import io.outpost.adapter.opcua.config.SecurityModeName;
import io.outpost.adapter.opcua.config.SecurityPolicyName;
import io.outpost.adapter.opcua.config.TrustMode;
import io.outpost.adapter.opcua.config.UserAuth;
import io.outpost.adapter.opcua.sim.OpcUaSimulator;
import io.outpost.testing.FreePorts;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.spi.DeviceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpcUaBrowserIT {

    static OpcUaSimulator sim;

    @BeforeAll
    static void start() {
        sim = OpcUaSimulator.builder().port(FreePorts.tcp()).motion(Duration.ZERO).build().start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static OpcUaDeviceSettings settings(SecurityPolicyName policy, SecurityModeName mode, TrustMode trust) {
        return OpcUaDeviceSettings.of(sim.endpointUrl(), policy, mode, new UserAuth.Anonymous(), trust);
    }

    @Test
    void browse_listsNodeIdsPathsDataTypesAndAccess(@TempDir Path dir) throws Exception {
        try (OpcUaBrowser browser = OpcUaBrowser.connect(settings(SecurityPolicyName.BASIC256SHA256,
                SecurityModeName.SIGN_AND_ENCRYPT, TrustMode.AUTO_ACCEPT), dir, "gw", Duration.ofSeconds(20))) {
            List<BrowseRow> rows = browser.browse(BrowseOptions.DEFAULT);

            assertThat(rows).filteredOn(r -> r.path().equals("/Boiler")).singleElement()
                    .satisfies(r -> assertThat(r.nodeClass()).isEqualTo("Object"));
            assertThat(rows).filteredOn(r -> r.path().equals("/Boiler/Temperature")).singleElement().satisfies(r -> {
                assertThat(r.nodeId()).isEqualTo(sim.nodeId("Boiler/Temperature"));
                assertThat(r.dataType()).isEqualTo("Double");
                assertThat(r.access()).isEqualTo("read");
                assertThat(r.depth()).isEqualTo(2);
            });
            assertThat(rows).filteredOn(r -> r.path().equals("/Boiler/Setpoint")).singleElement()
                    .satisfies(r -> assertThat(r.access()).isEqualTo("read/write"));
            assertThat(rows).filteredOn(r -> r.path().equals("/Test/Numeric")).singleElement()
                    .satisfies(r -> assertThat(r.nodeId()).isEqualTo("ns=" + sim.namespaceIndex() + ";i=1001"));
            assertThat(rows).noneMatch(r -> r.path().startsWith("/Server"));

            List<BrowseRow> shallow = browser.browse(BrowseOptions.DEFAULT.withMaxDepth(1));
            assertThat(shallow).allMatch(r -> r.depth() == 1).anyMatch(r -> r.path().equals("/Boiler"));
        }
    }

    @Test
    void emittedPointList_isAValidConfigThatTheGatewayAccepts(@TempDir Path dir) throws Exception {
        List<BrowseRow> rows;
        try (OpcUaBrowser browser = OpcUaBrowser.connect(settings(SecurityPolicyName.NONE, SecurityModeName.NONE,
                TrustMode.PKI), dir, "gw", Duration.ofSeconds(20))) {
            rows = browser.browse(BrowseOptions.DEFAULT.withStart("ns=" + sim.namespaceIndex() + ";s=Boiler"));
        }
        String points = OpcUaPointListYaml.render(rows);
        assertThat(points).contains("- id: temperature").contains("node: \"" + sim.nodeId("Boiler/Temperature") + "\"")
                .contains("# Double, read");
        assertThat(points).contains("- id: setpoint\n        node: \"" + sim.nodeId("Boiler/Setpoint")
                + "\"   # Double, read/write\n        writable: true");

        String yaml = "gateway: {id: gw, data-dir: " + dir + "}\n"
                + "devices:\n"
                + "  - id: boiler\n"
                + "    protocol: opcua\n"
                + "    connection: {endpoint: \"" + sim.endpointUrl() + "\", security-policy: none}\n"
                + points;
        GatewayConfig config = new ConfigLoader(new AdapterCatalog(List.of(new OpcUaAdapterFactory())), List.of(),
                PayloadFormats.standard().names(), new Interpolator(n -> null)).parse(yaml, dir.resolve("g.yaml"));
        assertThat(config.devices().get(0).points()).hasSize((int) rows.stream().filter(BrowseRow::isVariable).count());
    }

    @Test
    void untrustedServer_failsWithTheStatusName(@TempDir Path dir) {
        assertThatThrownBy(() -> OpcUaBrowser.connect(settings(SecurityPolicyName.BASIC256SHA256,
                SecurityModeName.SIGN, TrustMode.PKI), dir, "gw", Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(DeviceException.class,
                        e -> assertThat(e.reason()).startsWith("server certificate not trusted: ")
                                .contains(dir.resolve("opcua/rejected").toString()));
    }
}
