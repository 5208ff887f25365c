package io.outpost.adapter.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.adapter.opcua.sim.OpcUaSimulator;
import io.outpost.core.message.CommandMessage;
import io.outpost.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, findings 1 and 4, against a real Milo server: a value the gateway refuses never reaches the server,
 * whatever form the command gave it, and a hostile number is refused at once without holding up the device's
 * other writes.
 */
class OpcUaWriteSafetyIT {

    static OpcUaSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = OpcUaSimulator.builder().port(FreePorts.tcp()).build().start();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    private String device(String points) {
        return "  - id: plc\n"
                + "    protocol: opcua\n"
                + "    poll-interval: 200ms\n"
                + "    connection: {endpoint: \"" + sim.endpointUrl() + "\", security-policy: none}\n"
                + "    points:\n" + points;
    }

    @Test
    void textAndNonFiniteValues_outsideAnUntypedPointsRange_neverReachTheServer(@TempDir Path dir) throws Exception {
        sim.set("Test/Double", 10.0);
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: valve, node: \"" + sim.nodeId("Test/Double") + "\", range: [0, 90], writable: true}\n"))
                .start()) {
            gw.await("plc", "valve", Payload::good);

            for (String refused : List.of("\"95\"", "+96", "Infinity", "\"NaN\"", "-Infinity", "1e999", "true")) {
                Payload result = gw.command("plc", "valve", refused);
                assertThat(result.fields()).as(refused).containsEntry("ok", false);
                assertThat(sim.get("Test/Double")).as("after " + refused).isEqualTo(10.0);
            }

            assertThat(gw.command("plc", "valve", "\"50\"").fields()).containsEntry("ok", true);
            assertThat(sim.get("Test/Double")).isEqualTo(50.0);
        }
    }

    @Test
    void aBoolean_isRefusedForADoubleNode_asModbusRefusesItForARegister(@TempDir Path dir) throws Exception {
        sim.set("Test/Float", 3.0f);
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: ratio, node: \"" + sim.nodeId("Test/Float") + "\", writable: true}\n"
                        + "      - {id: flag, node: \"" + sim.nodeId("Test/Boolean") + "\", writable: true}\n"))
                .start()) {
            gw.await("plc", "ratio", Payload::good);

            Payload result = gw.command("plc", "ratio", "true");

            assertThat(result.fields()).containsEntry("ok", false).containsEntry("error", "conversion-error");
            assertThat(sim.get("Test/Float")).isEqualTo(3.0f);
            assertThat(gw.command("plc", "flag", "1").fields()).containsEntry("ok", true);
            assertThat(sim.get("Test/Boolean")).isEqualTo(true);
        }
    }

    @Test
    void textToANumericNodeWithoutRangeOrType_isRefusedUnparsed_andTheOtherWritesGoOn(@TempDir Path dir)
            throws Exception {
        sim.set("Test/Int32", 5);
        sim.set("Test/Double", 0.0);
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: count, node: \"" + sim.nodeId("Test/Int32") + "\", writable: true}\n"
                        + "      - {id: level, node: \"" + sim.nodeId("Test/Double") + "\", writable: true}\n"))
                .start()) {
            gw.await("plc", "count", Payload::good);
            gw.await("plc", "level", Payload::good);

            // Before the fix, the adapter parsed this text exactly into an integer: minutes of CPU.
            CompletableFuture<Void> hostile = send(gw, "count", "\"1e400000000\"");
            CompletableFuture<Void> other = send(gw, "level", "7.5");

            await().atMost(Duration.ofSeconds(10)).until(() -> hostile.isDone() && other.isDone());
            assertThat(Payload.parse(last(gw, "count")).fields()).containsEntry("ok", false)
                    .containsEntry("error", "conversion-error");
            assertThat(Payload.parse(last(gw, "level")).fields()).containsEntry("ok", true);
            assertThat(sim.get("Test/Double")).isEqualTo(7.5);
            assertThat(sim.get("Test/Int32")).isEqualTo(5);
        }
    }

    private static CompletableFuture<Void> send(GatewayUnderTest gw, String point, String payload) {
        return gw.runtime.commands().handle(new CommandMessage("t/plc/" + point + "/set",
                payload.getBytes(StandardCharsets.UTF_8), null, null, null)).toCompletableFuture();
    }

    private static String last(GatewayUnderTest gw, String point) {
        List<String> results = gw.sink.payloads("t/plc/" + point + "/set/result");
        return results.get(results.size() - 1);
    }
}
