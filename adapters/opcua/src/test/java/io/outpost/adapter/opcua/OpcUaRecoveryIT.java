package io.outpost.adapter.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.adapter.opcua.sim.OpcUaSimulator;
import io.outpost.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resilience: a server restart (the session and subscription are gone: both are created again, with exactly one
 * monitored item per point), a link that drops (the session is reactivated and the subscription kept), and a link
 * that stalls silently (the keep-alive watchdog declares the session dead and the gateway reconnects).
 */
class OpcUaRecoveryIT {

    private static String device(String endpoint, String extra) {
        return "  - id: plc\n"
                + "    protocol: opcua\n"
                + "    poll-interval: 200ms\n"
                + "    backoff: {initial: 200ms, max: 2s}\n"
                + "    connection: {endpoint: \"" + endpoint + "\", security-policy: basic256sha256, "
                + "trust-server: auto-accept" + extra + "}\n"
                + "    subscription: {publishing-interval: 100ms}\n"
                + "    points:\n"
                + "      - {id: a, node: \"nsu=urn:outpost:simulator;s=Test/Int32\", sampling-interval: 50ms}\n"
                + "      - {id: b, node: \"nsu=urn:outpost:simulator;s=Test/Double\", sampling-interval: 50ms}\n"
                + "      - {id: c, browse-path: /Objects/Boiler/Counter}\n"
                + "      - {id: p, node: \"nsu=urn:outpost:simulator;s=Test/String\", mode: poll}\n";
    }

    @Test
    void serverRestart_isRecovered_withOneMonitoredItemPerPoint(@TempDir Path dir) throws Exception {
        OpcUaSimulator first = OpcUaSimulator.builder().port(FreePorts.tcp()).certificateDir(dir.resolve("server"))
                .build().start();
        int port = first.port();
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(first.endpointUrl(), "")).start()) {
            first.set("Test/Int32", 1);
            gw.await("plc", "a", p -> Long.valueOf(1).equals(p.value()));
            gw.await("plc", "p", Payload::good);
            await().atMost(GatewayUnderTest.WAIT).until(first::monitoredItemCount, n -> n == 3);

            first.close();
            gw.await("plc", "a", p -> !p.good());
            gw.awaitState("plc", "offline");

            try (OpcUaSimulator second = OpcUaSimulator.builder().port(FreePorts.tcp()).port(port).certificateDir(dir.resolve("server"))
                    .build().start()) {
                second.set("Test/Int32", 2);
                second.set("Test/String", "after restart");
                gw.await("plc", "a", p -> Long.valueOf(2).equals(p.value()));
                gw.await("plc", "p", p -> "after restart".equals(p.value()));
                gw.awaitState("plc", "online");
                await().atMost(GatewayUnderTest.WAIT).until(second::monitoredItemCount, n -> n == 3);
                second.set("Test/Int32", 3);
                gw.await("plc", "a", p -> Long.valueOf(3).equals(p.value()));
                assertThat(second.monitoredItemCount()).isEqualTo(3);
                assertThat(second.sessionCount()).isEqualTo(1);
            }
        } finally {
            first.close();
        }
    }

    @Test
    void droppedLink_isRecovered_keepingTheSubscription(@TempDir Path dir) throws Exception {
        try (OpcUaSimulator sim = OpcUaSimulator.builder().port(FreePorts.tcp()).build().start();
             TcpRelay relay = new TcpRelay(sim.port());
             GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                     sim.endpointUrl().replace(":" + sim.port(), ":" + relay.port()), "")).start()) {
            sim.set("Test/Int32", 10);
            gw.await("plc", "a", p -> Long.valueOf(10).equals(p.value()));
            await().atMost(GatewayUnderTest.WAIT).until(sim::monitoredItemCount, n -> n == 3);

            relay.cut();
            gw.await("plc", "a", p -> !p.good());
            sim.set("Test/Int32", 11);

            gw.await("plc", "a", p -> Long.valueOf(11).equals(p.value()));
            gw.awaitState("plc", "online");
            assertThat(sim.monitoredItemCount()).isEqualTo(3);
            await().atMost(GatewayUnderTest.WAIT).until(sim::sessionCount, n -> n == 1);
        }
    }

    @Test
    void stalledLink_isDetectedByKeepAlive_andTheSessionReconnects(@TempDir Path dir) throws Exception {
        try (LogCapture log = new LogCapture(io.outpost.adapter.opcua.connection.OpcUaConnection.class);
             OpcUaSimulator sim = OpcUaSimulator.builder().port(FreePorts.tcp()).motion(Duration.ZERO).build().start();
             TcpRelay relay = new TcpRelay(sim.port());
             GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                     sim.endpointUrl().replace(":" + sim.port(), ":" + relay.port()),
                     ", keep-alive: 500ms, keep-alive-failures: 1")).start()) {
            sim.set("Test/Int32", 20);
            gw.await("plc", "a", p -> Long.valueOf(20).equals(p.value()));

            relay.stall();
            gw.awaitState("plc", "offline", r -> !r.equals("connecting"));
            gw.await("plc", "a", p -> !p.good());
            await().atMost(GatewayUnderTest.WAIT).until(() -> log.messages().stream()
                    .anyMatch(m -> m.contains("declared dead") && m.contains("keep-alive")));

            relay.resume();
            relay.cut();
            sim.set("Test/Int32", 21);
            gw.await("plc", "a", p -> Long.valueOf(21).equals(p.value()));
            gw.awaitState("plc", "online");
            await().atMost(GatewayUnderTest.WAIT).until(sim::monitoredItemCount, n -> n == 3);
            // The points are still delivered by the subscription, not by polling.
            assertThat(gw.meters.find("outpost.opcua.monitored.items").gauge().value()).isEqualTo(3.0);
        }
    }
}
