package io.outpost.adapter.bacnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against @bacnet-js/client, a BACnet/IP implementation independent of bacnet4j: a device it serves is read,
 * written and subscribed to by the gateway, and it reads the gateway's own device and the simulator.
 */
class BacnetJsPeerIT extends SimulatorAndGateway {

    private static final Path NODE_DIR = Path.of("src/test/node");
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private ExternalProcess peer;

    @BeforeAll
    static void nodeIsThere() {
        assumeTrue(ExternalProcess.available("node"), "node is not installed: skipping the @bacnet-js/client peer tests");
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/@bacnet-js/client")),
                "run scripts/test.sh (or npm ci in " + NODE_DIR + ") to install @bacnet-js/client: skipping its tests");
    }

    @AfterEach
    void stopPeer() {
        if (peer != null) {
            peer.close();
        }
    }

    private static String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "read-device.js"));
        command.addAll(List.of(args));
        ExternalProcess reader = ExternalProcess.start("bacnet-js-reader", command, NODE_DIR);
        try {
            assertThat(reader.waitFor(PATIENCE)).isZero();
            return reader.awaitLine(l -> l.startsWith("{"), PATIENCE);
        } finally {
            reader.close();
        }
    }

    @Test
    void a_device_served_by_bacnet_js_is_read_subscribed_and_commanded() throws Exception {
        int port = FreePorts.udp();
        peer = ExternalProcess.start("bacnet-js-device", List.of("node", "device.js", "--port", String.valueOf(port),
                "--instance", "5005"), NODE_DIR);
        peer.awaitLine(l -> l.contains("\"event\":\"ready\""), PATIENCE);
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp()) + """
                  - id: js
                    protocol: bacnet
                    poll-interval: 300ms
                    timeout: 5s
                    connection: {device-instance: 5005, address: 127.0.0.1, port: %d}
                    points:
                      - {id: outside-air, object: analog-input:1, cov: true, poll-interval: 1h}
                      - {id: pump, object: binary-output:1, writable: true, priority: 8}
                      - {id: season, object: multi-state-value:1}
                """.formatted(port)).start();

        gateway.awaitPayload("site/js/season", p -> p.startsWith("{\"value\":2,\"quality\":\"good\""));
        gateway.awaitPayload("site/js/pump", p -> p.startsWith("{\"value\":false,\"quality\":\"good\""));
        peer.awaitLine(l -> l.contains("\"event\":\"rpm\""), PATIENCE);
        peer.awaitLine(l -> l.contains("\"event\":\"subscribe\",\"object\":\"0:1\",\"lifetime\":300,\"confirmed\":false"), PATIENCE);
        // 12.5 in the first notification, then 14.25 when the device changes it: both by COV, the point polls hourly.
        gateway.awaitPayload("site/js/outside-air", p -> p.startsWith("{\"value\":12.5,\"quality\":\"good\""));
        gateway.awaitLatest("site/js/outside-air", p -> p.startsWith("{\"value\":14.25,\"quality\":\"good\""));

        gateway.command("site/js/pump/set", "on");
        peer.awaitLine(l -> l.contains("\"event\":\"write\",\"object\":\"binary-output:1\",\"priority\":8,\"value\":1"), PATIENCE);
        gateway.awaitPayload("site/js/pump/set/result", p -> p.contains("\"ok\":true"));
        gateway.awaitLatest("site/js/pump", p -> p.startsWith("{\"value\":true,"));

        gateway.command("site/js/pump/set", "null");
        peer.awaitLine(l -> l.contains("\"event\":\"write\",\"object\":\"binary-output:1\",\"priority\":8,\"value\":null"), PATIENCE);
        gateway.awaitLatest("site/js/pump", p -> p.startsWith("{\"value\":false,"));
    }

    @Test
    void bacnet_js_reads_the_gateway_device_and_cannot_change_it() throws Exception {
        sim = BacnetSimulator.builder().port(FreePorts.udp()).start();
        int gatewayPort = FreePorts.udp();
        gateway = new GatewayUnderTest(Yaml.gateway(gatewayPort) + Yaml.device("ahu", sim, "",
                "      - {id: zone-temp, object: analog-input:1}\n")).start();
        gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("\"good\""));

        String found = run("--port", String.valueOf(FreePorts.udp()), "--target", "127.0.0.1:" + gatewayPort,
                "--instance", "4194001");

        assertThat(found).contains("\"name\":\"outpost-test\"").contains("\"maxApdu\":1476").contains("\"objects\":1")
                .contains("\"rename\":\"refused");
    }

    @Test
    void bacnet_js_reads_the_simulator() throws Exception {
        sim = BacnetSimulator.builder().port(FreePorts.udp()).start();

        String found = run("--port", String.valueOf(FreePorts.udp()), "--target", "127.0.0.1:" + sim.port(),
                "--instance", String.valueOf(sim.instance()));

        assertThat(found).contains("\"name\":\"sim-ahu\"").contains("\"analogInput1\":21.5").contains("\"objects\":5");
    }
}
