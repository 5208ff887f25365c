package io.outpost.adapter.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.adapter.opcua.sim.OpcUaSimulator;
import io.outpost.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data against the embedded Milo simulator over security None: subscriptions, polling, node id notations and
 * browse paths, type mapping, status codes, server-side deadband, writes. One simulator serves the class; each
 * test has its own gateway and its own nodes.
 */
class OpcUaDataIT {

    static OpcUaSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = OpcUaSimulator.builder().port(FreePorts.tcp()).motion(Duration.ofMillis(100)).build().start();
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
                + "    subscription: {publishing-interval: 50ms}\n"
                + "    points:\n" + points;
    }

    @Test
    void subscribedPoint_deliversEveryChangeWithTheServersSourceTimestamp(@TempDir Path dir) throws Exception {
        sim.set("Test/Int32", 1);
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: count, node: \"" + sim.nodeId("Test/Int32") + "\", sampling-interval: 20ms}\n")).start()) {
            gw.await("plc", "count", p -> p.good() && Long.valueOf(1).equals(p.value()));
            for (int i = 2; i <= 5; i++) {
                sim.set("Test/Int32", i);
                int expected = i;
                Payload p = gw.await("plc", "count", x -> Long.valueOf(expected).equals(x.value()));
                assertThat(p.ts()).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
            }
            assertThat(gw.payloads("plc", "count")).extracting(Payload::value).containsSubsequence(1L, 2L, 3L, 4L, 5L);
            assertThat(sim.monitoredItemCount()).isEqualTo(1);
        }
    }

    @Test
    void movingBoiler_valuesArriveByThemselves(@TempDir Path dir) throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: temperature, browse-path: /Objects/Boiler/Temperature, unit: degC}\n"
                        + "      - {id: trend, node: \"" + sim.nodeId("Boiler/Trend") + "\"}\n")).start()) {
            gw.await("plc", "temperature", Payload::good);
            await().atMost(GatewayUnderTest.WAIT).until(() -> gw.payloads("plc", "temperature").size() >= 3);
            Payload trend = gw.await("plc", "trend", Payload::good);
            assertThat((List<?>) trend.value()).hasSize(5);
        }
    }

    @Test
    void polledPoints_areReadInOneBatchEveryPollInterval(@TempDir Path dir) throws Exception {
        sim.set("Test/Double", 21.5);
        sim.set("Test/String", "hello");
        long readsBefore = sim.valueReads("Test/Double");
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: d, node: \"" + sim.nodeId("Test/Double") + "\", mode: poll}\n"
                        + "      - {id: s, node: \"" + sim.nodeId("Test/String") + "\", mode: poll}\n")).start()) {
            gw.await("plc", "d", p -> Double.valueOf(21.5).equals(p.value()));
            gw.await("plc", "s", p -> "hello".equals(p.value()));
            sim.set("Test/Double", 22.5);
            gw.await("plc", "d", p -> Double.valueOf(22.5).equals(p.value()));
            assertThat(sim.valueReads("Test/Double") - readsBefore).isGreaterThanOrEqualTo(2);
            assertThat(sim.monitoredItemCount()).isZero();
        }
    }

    @Test
    void everyNodeIdNotation_andBrowsePaths_findTheirNodes(@TempDir Path dir) throws Exception {
        int ns = sim.namespaceIndex();
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: numeric, node: \"ns=" + ns + ";i=1001\"}\n"
                        + "      - {id: guid, node: \"ns=" + ns + ";g=5b3b5c2e-8f1a-4c7e-9d7e-2f1c3a4b5d6e\"}\n"
                        + "      - {id: opaque, node: \"ns=" + ns + ";b=CgsM\"}\n"
                        + "      - {id: by-uri, node: \"nsu=" + sim.namespaceUri() + ";s=Test/ReadOnly\", mode: poll}\n"
                        + "      - {id: by-uri2, node: \"nsu=" + sim.namespaceUri() + ";i=1001\", mode: poll}\n"
                        + "      - {id: standard, node: \"i=2259\", mode: poll}\n"
                        + "      - {id: path, browse-path: \"/Objects/" + ns + ":Test/" + ns + ":GuidId\"}\n"
                        + "      - {id: path-any-ns, browse-path: /Test/Numeric, mode: poll}\n"
                        + "      - {id: missing-path, browse-path: /Objects/Test/Nope, mode: poll}\n")).start()) {
            assertThat(gw.await("plc", "numeric", Payload::good).value()).isEqualTo(1001L);
            assertThat(gw.await("plc", "guid", Payload::good).value()).isEqualTo(1002L);
            assertThat(gw.await("plc", "opaque", Payload::good).value()).isEqualTo(1003L);
            assertThat(gw.await("plc", "by-uri", Payload::good).value()).isEqualTo(1.0);
            assertThat(gw.await("plc", "by-uri2", Payload::good).value()).isEqualTo(1001L);
            assertThat(gw.await("plc", "standard", Payload::good).value()).isEqualTo(0L);
            assertThat(gw.await("plc", "path", Payload::good).value()).isEqualTo(1002L);
            assertThat(gw.await("plc", "path-any-ns", Payload::good).value()).isEqualTo(1001L);
            assertThat(gw.await("plc", "missing-path", p -> !p.good()).reason()).isEqualTo("Bad_NoMatch");
        }
    }

    @Test
    void builtInTypes_mapToThePointModel(@TempDir Path dir) throws Exception {
        String[] names = {"Boolean", "SByte", "Byte", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64", "Float",
                          "Double", "String", "DateTime", "LocalizedText", "ByteString", "Guid", "Int32Array",
                          "DoubleArray", "StringArray"};
        StringBuilder points = new StringBuilder();
        for (String n : names) {
            points.append("      - {id: ").append(n.toLowerCase()).append(", node: \"").append(sim.nodeId("Test/" + n))
                    .append("\", mode: poll}\n");
        }
        sim.set("Test/Float", 21.3f);
        sim.set("Test/Boolean", false);
        sim.set("Test/Int32Array", new Integer[] {1, 2, 3});
        sim.set("Test/UInt64", org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong.valueOf("18446744073709551615"));
        sim.set("Test/Int64", Long.MIN_VALUE);
        sim.set("Test/UInt16", UShort.valueOf(65535));
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(points.toString())).start()) {
            assertThat(gw.await("plc", "boolean", Payload::good).value()).isEqualTo(false);
            assertThat(gw.await("plc", "uint16", Payload::good).value()).isEqualTo(65535L);
            assertThat(gw.await("plc", "int64", Payload::good).value()).isEqualTo(Long.MIN_VALUE);
            assertThat(gw.await("plc", "uint64", Payload::good).fields().get("value").toString())
                    .isEqualTo("18446744073709551615");
            assertThat(gw.await("plc", "float", Payload::good).number()).isCloseTo(21.3, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(gw.await("plc", "datetime", Payload::good).value()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(gw.await("plc", "localizedtext", Payload::good).value()).isEqualTo("hello");
            assertThat(gw.await("plc", "bytestring", Payload::good).value()).isEqualTo("AQID");
            assertThat(gw.await("plc", "guid", Payload::good).value()).isEqualTo("5b3b5c2e-8f1a-4c7e-9d7e-2f1c3a4b5d6e");
            assertThat(gw.await("plc", "int32array", Payload::good).value()).isEqualTo(List.of(1L, 2L, 3L));
            assertThat(gw.await("plc", "doublearray", Payload::good).value()).isEqualTo(List.of(1.5, 2.5));
            assertThat(gw.await("plc", "stringarray", Payload::good).value()).isEqualTo(List.of("a", "b"));
            for (String n : new String[] {"sbyte", "byte", "int16", "int32", "uint32", "double", "string"}) {
                gw.await("plc", n, Payload::good);
            }
        }
    }

    @Test
    void aFloatNodeIsPublishedAsTheShortestDecimalOfTheFloat_notOfItsDoubleWidening(@TempDir Path dir) throws Exception {
        sim.set("Test/Float", 2.484f);
        sim.set("Test/Double", 2.484);
        String points = "      - {id: float, node: \"" + sim.nodeId("Test/Float") + "\", mode: poll}\n"
                + "      - {id: double, node: \"" + sim.nodeId("Test/Double") + "\", mode: poll}\n";
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(points)).start()) {
            // Widened to double the float reads 2.4839999675750732: the device holds 2.484 in single precision.
            await().atMost(GatewayUnderTest.WAIT).until(() -> gw.sink.payloads("t/plc/float").stream()
                    .anyMatch(p -> p.startsWith("{\"value\":2.484,\"quality\":\"good\"")));
            await().atMost(GatewayUnderTest.WAIT).until(() -> gw.sink.payloads("t/plc/double").stream()
                    .anyMatch(p -> p.startsWith("{\"value\":2.484,\"quality\":\"good\"")));
        }
    }

    @Test
    void statusCodes_becomeQualityWithTheStatusName(@TempDir Path dir) throws Exception {
        sim.set("Test/Status", 5.0);
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: sub, node: \"" + sim.nodeId("Test/Status") + "\", sampling-interval: 20ms}\n"
                        + "      - {id: polled, node: \"" + sim.nodeId("Test/Status") + "\", mode: poll}\n"
                        + "      - {id: unknown, node: \"ns=" + sim.namespaceIndex() + ";s=Nowhere\"}\n")).start()) {
            gw.await("plc", "sub", Payload::good);
            sim.setStatus("Test/Status", StatusCodes.Uncertain_LastUsableValue);
            Payload uncertain = gw.await("plc", "sub", p -> "uncertain".equals(p.quality()));
            assertThat(uncertain.reason()).isEqualTo("Uncertain_LastUsableValue");
            assertThat(uncertain.value()).isEqualTo(5.0);
            gw.await("plc", "polled", p -> "Uncertain_LastUsableValue".equals(p.reason()));
            sim.setStatus("Test/Status", StatusCodes.Bad_SensorFailure);
            Payload bad = gw.await("plc", "sub", p -> "bad".equals(p.quality()));
            assertThat(bad.reason()).isEqualTo("Bad_SensorFailure");
            assertThat(bad.value()).isNull();
            gw.await("plc", "polled", p -> "Bad_SensorFailure".equals(p.reason()));
            // A node that does not exist cannot be subscribed: it falls back to polling, which reports why.
            assertThat(gw.await("plc", "unknown", p -> !p.good()).reason()).isEqualTo("Bad_NodeIdUnknown");
            sim.set("Test/Status", 6.0);
            gw.await("plc", "sub", p -> p.good() && Double.valueOf(6.0).equals(p.value()));
        }
    }

    @Test
    void absoluteDeadband_isAppliedByTheServer_soSmallChangesNeverCrossTheLink(@TempDir Path dir) throws Exception {
        sim.set("Test/Deadband", 10.0);
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: level, node: \"" + sim.nodeId("Test/Deadband") + "\", sampling-interval: 10ms, "
                        + "deadband: 2.0, scale: 2.0, report: every-read}\n")).start()) {
            // scale 2: a deadband of 2.0 engineering units is 1.0 raw unit on the server.
            gw.await("plc", "level", p -> Double.valueOf(20.0).equals(p.value()));
            for (double raw : new double[] {10.3, 10.6, 10.9}) {
                long reads = sim.valueReads("Test/Deadband");
                sim.set("Test/Deadband", raw);
                await().atMost(GatewayUnderTest.WAIT).until(() -> sim.valueReads("Test/Deadband") > reads + 1);
            }
            sim.set("Test/Deadband", 11.5);
            gw.await("plc", "level", p -> Double.valueOf(23.0).equals(p.value()));
            // report: every-read would publish whatever arrived: only the values beyond the deadband arrived.
            assertThat(gw.payloads("plc", "level")).extracting(Payload::value).containsExactly(20.0, 23.0);
        }
    }

    @Test
    void percentDeadbandWithoutRange_thatTheServerRefuses_isFilteredByTheGatewayAlone(@TempDir Path dir)
            throws Exception {
        sim.set("Test/Float", 100.0f);
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: flow, node: \"" + sim.nodeId("Test/Float") + "\", sampling-interval: 10ms, "
                        + "deadband: 5%}\n")).start()) {
            gw.await("plc", "flow", p -> Double.valueOf(100.0).equals(p.value()));
            sim.set("Test/Float", 102.0f);
            long reads = sim.valueReads("Test/Float");
            await().atMost(GatewayUnderTest.WAIT).until(() -> sim.valueReads("Test/Float") > reads + 1);
            sim.set("Test/Float", 110.0f);
            gw.await("plc", "flow", p -> Double.valueOf(110.0).equals(p.value()));
            assertThat(gw.payloads("plc", "flow")).extracting(Payload::value).containsExactly(100.0, 110.0);
            assertThat(sim.monitoredItemCount()).isEqualTo(1);
        }
    }

    @Test
    void writes_convertToTheNodesDataType_andReportTheResult(@TempDir Path dir) throws Exception {
        sim.set("Test/Int16", (short) 0);
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, device(
                "      - {id: sp, node: \"" + sim.nodeId("Boiler/Setpoint") + "\", writable: true}\n"
                        + "      - {id: i16, node: \"" + sim.nodeId("Test/Int16") + "\", writable: true}\n"
                        + "      - {id: flag, node: \"" + sim.nodeId("Test/Boolean") + "\", writable: true}\n"
                        + "      - {id: arr, node: \"" + sim.nodeId("Test/Int32Array") + "\", writable: true}\n"
                        + "      - {id: ro, node: \"" + sim.nodeId("Test/ReadOnly") + "\", writable: true}\n")).start()) {
            gw.awaitState("plc", "online");
            gw.await("plc", "sp", Payload::good);
            gw.await("plc", "ro", Payload::good);

            assertThat(gw.command("plc", "sp", "{\"value\": 70.5, \"id\": \"r1\"}").fields()).containsEntry("ok", true);
            assertThat(sim.get("Boiler/Setpoint")).isEqualTo(70.5);
            gw.await("plc", "sp", p -> Double.valueOf(70.5).equals(p.value()));

            assertThat(gw.command("plc", "i16", "1234").fields()).containsEntry("ok", true);
            assertThat(sim.get("Test/Int16")).isEqualTo((short) 1234);

            Payload tooBig = gw.command("plc", "i16", "70000");
            assertThat(tooBig.fields()).containsEntry("ok", false).containsEntry("error", "out-of-range");
            Payload fraction = gw.command("plc", "i16", "1.5");
            assertThat(fraction.fields()).containsEntry("error", "conversion-error");

            assertThat(gw.command("plc", "flag", "true").fields()).containsEntry("ok", true);
            assertThat(sim.get("Test/Boolean")).isEqualTo(true);

            assertThat(gw.command("plc", "arr", "[7, 8]").fields()).containsEntry("ok", true);
            assertThat((Object[]) sim.get("Test/Int32Array")).containsExactly(7, 8);

            Payload refused = gw.command("plc", "ro", "2.0");
            assertThat(refused.fields()).containsEntry("ok", false);
            assertThat((String) refused.fields().get("error")).startsWith("Bad_");
        }
    }
}
