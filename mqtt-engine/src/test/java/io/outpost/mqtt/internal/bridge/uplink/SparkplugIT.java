package io.outpost.mqtt.internal.bridge.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.outpost.core.command.CommandPayload;
import io.outpost.core.command.CommandRejectedException;
import io.outpost.core.command.WriteConversion;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.Range;
import io.outpost.core.message.Message;
import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import io.outpost.mqtt.internal.bridge.testing.SparkplugHost;
import io.outpost.mqtt.internal.bridge.testing.TestCatalog;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.eclipse.tahu.protobuf.SparkplugBProto;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sparkplug B upstream mode against a host written independently of the encoder (HiveMQ's client and Eclipse
 * Tahu's protobuf classes) on a real mosquitto.
 */
class SparkplugIT {

    private static final String NODE = "spBv1.0/plant/%s/pump-station-7";

    @TempDir
    Path dir;

    private Mosquitto cloud;
    private SparkplugHost host;
    private BridgeHarness h;
    private final TestCatalog catalog = new TestCatalog()
            .device("north-field", "pump-1", "flow:float32", "pressure:float64", "starts:int32", "running:bool", "setpoint:float64")
            .device("north-field", "pump-2", "flow:float32", "mode:string");

    @BeforeEach
    void start() {
        cloud = BridgeHarness.cloud(dir.resolve("cloud"));
        h = new BridgeHarness(dir.resolve("data"));
        host = SparkplugHost.connect(cloud.port(), "scada");
        catalog.latest(Sample.good(new PointRef("pump-1", "flow"), Value.of(12.5), 1000));
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
        if (host != null) {
            host.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    private String yaml(int port, boolean primaryHost) {
        return """
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    allow-plaintext: true
                    mode: sparkplug
                    sparkplug: {group-id: plant, edge-node-id: pump-station-7%s}
                    keep-alive: 2s
                    backoff: {initial: 100ms, max: 500ms}
                    forward:
                      - from: "north-field/#"
                """.formatted(port, primaryHost ? ", primary-host-id: scada" : "");
    }

    @Test
    void births_list_every_metric_with_its_type_then_data_goes_by_alias_with_only_the_changes() throws Exception {
        h.start(yaml(cloud.port(), false));
        h.bridge().attach(catalog);

        List<SparkplugHost.Received> got = host.await(r -> r.type().equals("DBIRTH") && "pump-2".equals(r.device()),
                Duration.ofSeconds(30));
        SparkplugHost.Received nbirth = got.get(0);
        assertThat(nbirth.topic()).isEqualTo(NODE.formatted("NBIRTH"));
        assertThat(nbirth.payload().getSeq()).isZero();
        Payload.Metric bdSeq = metric(nbirth.payload(), "bdSeq");
        assertThat(bdSeq.getDatatype()).isEqualTo(SparkplugBProto.DataType.Int64_VALUE);
        assertThat(metric(nbirth.payload(), "Node Control/Rebirth").getBooleanValue()).isFalse();

        Payload dbirth = got.stream().filter(r -> "pump-1".equals(r.device()) && r.type().equals("DBIRTH")).findFirst()
                .orElseThrow().payload();
        assertThat(dbirth.getMetricsList()).extracting(Payload.Metric::getName)
                .containsExactly("flow", "pressure", "starts", "running", "setpoint");
        assertThat(metric(dbirth, "flow").getDatatype()).isEqualTo(SparkplugBProto.DataType.Float_VALUE);
        assertThat(metric(dbirth, "flow").getFloatValue()).isEqualTo(12.5f);
        assertThat(metric(dbirth, "flow").getProperties().getKeys(0)).isEqualTo("engUnit");
        assertThat(metric(dbirth, "flow").getProperties().getValues(0).getStringValue()).isEqualTo("m3/h");
        assertThat(metric(dbirth, "pressure").getDatatype()).isEqualTo(SparkplugBProto.DataType.Double_VALUE);
        assertThat(metric(dbirth, "pressure").getIsNull()).as("not read yet").isTrue();
        assertThat(metric(dbirth, "starts").getDatatype()).isEqualTo(SparkplugBProto.DataType.Int32_VALUE);
        assertThat(metric(dbirth, "running").getDatatype()).isEqualTo(SparkplugBProto.DataType.Boolean_VALUE);
        Map<Long, String> aliasToName = got.stream().filter(r -> r.type().equals("DBIRTH"))
                .flatMap(r -> r.payload().getMetricsList().stream().map(m -> Map.entry(m.getAlias(), r.device() + "/" + m.getName())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(aliasToName).as("aliases are unique across the node").hasSize(7);

        h.local.publish(Readings.reading("north-field", "pump-1", "flow", Value.of(13.25), DataType.FLOAT32, 5000));
        h.local.publish(Readings.reading("north-field", "pump-1", "starts", Value.of(-7L), DataType.INT32, 5000));
        h.local.publish(Readings.reading("north-field", "pump-2", "mode", Value.of("AUTO"), DataType.STRING, 5001));

        got = host.await(r -> r.type().equals("DDATA") && "pump-2".equals(r.device()), Duration.ofSeconds(30));
        List<Payload.Metric> pump1 = got.stream().filter(r -> r.type().equals("DDATA") && "pump-1".equals(r.device()))
                .flatMap(r -> r.payload().getMetricsList().stream()).toList();
        assertThat(pump1).hasSize(2).allSatisfy(m -> {
            assertThat(m.hasName()).as("data goes by alias").isFalse();
            assertThat(m.getIsHistorical()).isFalse();
        });
        assertThat(aliasToName.get(pump1.get(0).getAlias())).isEqualTo("pump-1/flow");
        assertThat(pump1.get(0).getFloatValue()).isEqualTo(13.25f);
        assertThat(pump1.get(0).getTimestamp()).isEqualTo(5000);
        assertThat(aliasToName.get(pump1.get(1).getAlias())).isEqualTo("pump-1/starts");
        assertThat((int) pump1.get(1).getIntValue()).as("Int32 in int_value, two's complement").isEqualTo(-7);
        assertSequence(got);
    }

    @Test
    void data_waits_for_the_primary_host_and_what_was_held_goes_as_historical() throws Exception {
        host.state(false);
        h.start(yaml(cloud.port(), true));
        h.bridge().attach(catalog);
        h.awaitConnected();
        for (int i = 0; i < 20; i++) {
            h.local.publish(Readings.reading("north-field", "pump-1", "pressure", Value.of(3.0 + i), DataType.FLOAT64, 1000 + i))
                    .toCompletableFuture().join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> h.status().queuedMessages() == 20);
        assertThat(host.received()).as("nothing before the primary host is online").isEmpty();

        host.state(true);

        List<SparkplugHost.Received> got = host.await(r -> r.type().equals("DDATA")
                && r.payload().getMetricsList().stream().anyMatch(m -> m.getTimestamp() == 1019), Duration.ofSeconds(30));
        assertThat(got.get(0).type()).isEqualTo("NBIRTH");
        List<Payload.Metric> history = got.stream().filter(r -> r.type().equals("DDATA"))
                .flatMap(r -> r.payload().getMetricsList().stream()).toList();
        assertThat(history).hasSize(20).allSatisfy(m -> assertThat(m.getIsHistorical()).isTrue());
        assertThat(history).extracting(Payload.Metric::getDoubleValue).isSorted();
        assertSequence(got);
    }

    @Test
    void rebirth_and_device_commands_from_the_host_are_acted_on() throws Exception {
        List<Message> writes = new CopyOnWriteArrayList<>();
        h.local.subscribe("north-field/pump-1/setpoint/set", 1, writes::add);
        h.start(yaml(cloud.port(), false));
        h.bridge().attach(catalog);
        List<SparkplugHost.Received> got = host.await(r -> r.type().equals("DBIRTH") && "pump-2".equals(r.device()),
                Duration.ofSeconds(30));
        long bdSeq = metric(got.get(0).payload(), "bdSeq").getLongValue();

        host.command(NODE.formatted("DCMD") + "/pump-1", SparkplugHost.doubleMetric("setpoint", 42.5));
        await().atMost(Duration.ofSeconds(30)).until(() -> !writes.isEmpty());
        assertThat(new String(writes.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("42.5");

        int before = host.received().size();
        host.command(NODE.formatted("NCMD"), SparkplugHost.boolMetric("Node Control/Rebirth", true));
        got = host.await(r -> r.type().equals("NBIRTH") && host.received().indexOf(r) >= before, Duration.ofSeconds(30));
        SparkplugHost.Received rebirth = got.stream().skip(before).filter(r -> r.type().equals("NBIRTH")).findFirst().orElseThrow();
        assertThat(rebirth.payload().getSeq()).isZero();
        assertThat(metric(rebirth.payload(), "bdSeq").getLongValue()).as("same connection, same bdSeq").isEqualTo(bdSeq);
        host.await(r -> r.type().equals("DBIRTH") && host.received().indexOf(r) > before + 1, Duration.ofSeconds(30));
    }

    @Test
    void device_commands_with_text_or_non_finite_values_are_refused_by_the_core_before_any_device() throws Exception {
        List<Message> writes = new CopyOnWriteArrayList<>();
        h.local.subscribe("north-field/pump-1/setpoint/set", 1, writes::add);
        h.start(yaml(cloud.port(), false));
        h.bridge().attach(catalog);
        host.await(r -> r.type().equals("DBIRTH") && "pump-2".equals(r.device()), Duration.ofSeconds(30));

        host.command(NODE.formatted("DCMD") + "/pump-1", SparkplugHost.stringMetric("setpoint", "95"));
        host.command(NODE.formatted("DCMD") + "/pump-1", SparkplugHost.doubleMetric("setpoint", Double.NaN));
        host.command(NODE.formatted("DCMD") + "/pump-1", SparkplugHost.doubleMetric("setpoint", Double.POSITIVE_INFINITY));
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.size() == 3);

        // The command route's own conversion, as the gateway runs it on these bodies (finding 1 of issue 15).
        PointConfig setpoint = catalog.devices().get(0).points().stream().filter(p -> p.id().equals("setpoint"))
                .findFirst().orElseThrow();
        PointConfig ranged = new PointConfig(setpoint.ref(), null, "", "", setpoint.pollInterval(), setpoint.report(),
                setpoint.scaling(), new Range(0, 90), setpoint.publication(), setpoint.command(), null, null);
        assertThatThrownBy(() -> WriteConversion.toRaw(ranged, CommandPayload.parse(writes.get(0).payload()).value()))
                .isInstanceOfSatisfying(CommandRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo("out-of-range"));
        for (Message nonFinite : writes.subList(1, 3)) {
            assertThatThrownBy(() -> WriteConversion.toRaw(setpoint, CommandPayload.parse(nonFinite.payload()).value()))
                    .isInstanceOf(CommandRejectedException.class);
        }
    }

    @Test
    void devices_that_go_offline_die_and_a_lost_link_leaves_an_ndeath_with_the_births_bdseq() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port())) {
            h.start(yaml(link.port(), false));
            h.bridge().attach(catalog);
            List<SparkplugHost.Received> got = host.await(r -> r.type().equals("DBIRTH") && "pump-2".equals(r.device()),
                    Duration.ofSeconds(30));
            long bdSeq = metric(got.get(0).payload(), "bdSeq").getLongValue();

            catalog.status("pump-2", DeviceStatus.offline("timeout", Instant.now()));
            host.await(r -> r.type().equals("DDEATH") && "pump-2".equals(r.device()), Duration.ofSeconds(30));
            catalog.status("pump-2", DeviceStatus.online(Instant.now()));
            host.await(r -> r.type().equals("DBIRTH") && "pump-2".equals(r.device()) && r.payload().getSeq() > 2,
                    Duration.ofSeconds(30));

            int connectionsBefore = link.connectionsAccepted();
            link.blackHole(true);
            got = host.await(r -> r.type().equals("NDEATH"), Duration.ofSeconds(30));
            Payload ndeath = got.stream().filter(r -> r.type().equals("NDEATH")).findFirst().orElseThrow().payload();
            assertThat(metric(ndeath, "bdSeq").getLongValue()).isEqualTo(bdSeq);
            // Every CONNECT carries a new bdSeq in its will, also one the black hole swallows; how many went out
            // before the heal is a matter of timing (it made this test flaky when it expected exactly bdSeq + 1).
            // Heal only once one was swallowed, so that the assertion below is checked against that case every time.
            await().atMost(Duration.ofSeconds(30)).until(() -> link.connectionsAccepted() > connectionsBefore);
            link.blackHole(false);
            got = host.await(r -> r.type().equals("NBIRTH") && newer(metric(r.payload(), "bdSeq").getLongValue(), bdSeq),
                    Duration.ofSeconds(60));
            assertThat(got).isNotEmpty();
        }
    }

    /** True when {@code seq} comes after {@code than} in the 0-255 bdSeq cycle (within half of it). */
    private static boolean newer(long seq, long than) {
        long ahead = Math.floorMod(seq - than, 256);
        return ahead > 0 && ahead < 128;
    }

    private static Payload.Metric metric(Payload p, String name) {
        return p.getMetricsList().stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + p));
    }

    /** Every message after an NBIRTH (seq 0) counts up by one, wrapping after 255. */
    private static void assertSequence(List<SparkplugHost.Received> got) {
        long expected = -1;
        for (SparkplugHost.Received r : got) {
            if (r.type().equals("NDEATH")) {
                continue;
            }
            long seq = r.payload().getSeq();
            if (r.type().equals("NBIRTH")) {
                assertThat(seq).isZero();
            } else {
                assertThat(seq).as("seq of %s", r.topic()).isEqualTo((expected + 1) % 256);
            }
            expected = seq;
        }
    }
}
