package io.outpost.mqtt.internal.bridge.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.github.luben.zstd.Zstd;
import io.outpost.core.message.Message;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.mqtt.internal.bridge.testing.PythonDecoder;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import io.outpost.testing.Mosquitto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ts-batch end to end: readings of every kind (NaN payloads, infinities, -0.0, extreme integers, bad readings, text)
 * into the bridge, through a real mosquitto, decoded at the cloud side by the Python decoder
 * (docs/examples/ts_batch_decode.py), the JavaScript package (decoders/js/outpost-ts-batch) and the Java decoder,
 * each with the point tables it found retained on the server; every value must arrive bit for bit, across a change
 * of the point set and a restart of the gateway, and a consumer that subscribes afterwards finds the tables.
 */
class TsBatchDecodersIT {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final long T0 = 1_763_700_000_000L;
    private static final Path PYTHON_DECODER = Path.of("..", "docs", "examples", "ts_batch_decode.py");
    private static final Path JS_PACKAGE = Path.of("..", "decoders", "js", "outpost-ts-batch");

    @TempDir
    Path dir;

    private Mosquitto cloud;
    private CloudClient subscriber;
    private BridgeHarness h;

    @BeforeEach
    void start() {
        PythonDecoder.assumeAvailable();
        assumeNode();
        cloud = BridgeHarness.cloud(dir.resolve("cloud"));
        h = new BridgeHarness(dir.resolve("data"));
        subscriber = CloudClient.connect(cloud.port()).subscribe("sites/#", 1);
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
        if (subscriber != null) {
            subscriber.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    @ParameterizedTest(name = "compression {0}")
    @ValueSource(strings = {"none", "zstd"})
    void everyReading_arrivesBitForBit_inPythonJavaScriptAndJava_acrossATableChangeAndAGatewayRestart(String compression)
            throws Exception {
        String yaml = """
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    forward:
                      - from: "north-field/#"
                        to: "sites/{site}/batch/{device}"
                        qos: 1
                        format: ts-batch
                        compression: %s
                        batch: {by: device, max-delay: 200ms, max-bytes: 2KB}
                """.formatted(cloud.port(), compression);
        h.start(yaml);
        h.awaitConnected();
        List<Message> sent = new ArrayList<>();
        sent.addAll(publish(0, 10, false));
        sent.addAll(publish(10, 20, true)); // new points: a new table
        awaitReadings(sent.size());
        h.start(yaml); // the gateway restarts: tables are made again from nothing
        h.awaitConnected();
        sent.addAll(publish(20, 30, true));

        Map<String, List<JsonNode>> python = new HashMap<>();
        Map<String, List<JsonNode>> js = new HashMap<>();
        Map<String, List<JsonNode>> java = new HashMap<>();
        decodeAll(sent.size(), python, js, java);

        Map<String, List<JsonNode>> expected = expected(sent);
        assertThat(canonical(python)).as("Python").isEqualTo(canonical(expected));
        assertThat(canonical(js)).as("JavaScript").isEqualTo(canonical(expected));
        assertThat(canonical(java)).as("Java").isEqualTo(canonical(expected));
        List<String> tables = subscriber.received().stream().map(CloudClient.Received::topic)
                .filter(t -> t.contains(TsBatchPacker.TABLE_LEVEL)).distinct().toList();
        assertThat(tables).as("a table per device, and a new one for the new points").hasSizeGreaterThanOrEqualTo(4);

        // A consumer that starts now (or restarted and lost its tables) finds every table in use, retained.
        try (CloudClient late = CloudClient.connect(cloud.port()).subscribe("sites/+/batch/+/_table/+", 1)) {
            List<String> batchTables = subscriber.received().stream().filter(r -> !r.topic().contains(TsBatchPacker.TABLE_LEVEL))
                    .map(r -> r.topic() + TsBatchPacker.TABLE_LEVEL + String.format("%08x", TsBatchDecoder.tableId(plain(r.raw()))))
                    .distinct().toList();
            await().atMost(Duration.ofSeconds(10)).until(() -> late.received().stream().map(CloudClient.Received::topic)
                    .toList().containsAll(batchTables.subList(batchTables.size() - 2, batchTables.size())));
            assertThat(late.received()).allSatisfy(r -> assertThat(r.retain()).isTrue());
        }
    }

    @Test
    void theDecodersOwnTests_passOnTheEncodersExamples() throws Exception {
        List<String> py = run(List.of("/usr/bin/python3", "-m", "unittest", "-v", "test_ts_batch_decode"), new byte[0],
                PYTHON_DECODER.getParent());
        List<String> npm = run(List.of("npm", "test"), new byte[0], JS_PACKAGE);

        assertThat(String.join("\n", py)).doesNotContain("FAIL");
        assertThat(npm).contains("# fail 0");
    }

    // ------------------------------------------------------------------ workload

    /** Rounds {@code from..to-1} of two devices, one second apart, all published at once (several per batch). */
    private List<Message> publish(int from, int to, boolean extraPoints) {
        List<Message> out = new ArrayList<>();
        for (int round = from; round < to; round++) {
            long ts = T0 + round * 1000L;
            for (String device : List.of("pump-1", "pump-2")) {
                out.add(reading(device, "temp", Value.ofFloat32((float) ((2137 + round % 7 - 3) / 100.0)), DataType.FLOAT32, ts));
                out.add(reading(device, "pressure", new Value.Real(3.14159265358979 + round * 1e-9, false), DataType.FLOAT64, ts));
                double[] special = {Double.longBitsToDouble(0x7FF8_0000_DEAD_BEEFL), -0.0, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 1e300, 45.5};
                out.add(reading(device, "special", new Value.Real(special[round % special.length], false), DataType.FLOAT64, ts));
                float[] special32 = {Float.intBitsToFloat(0x7FC0_1234), -0.0f, Float.POSITIVE_INFINITY, 21.3f};
                out.add(reading(device, "special32", Value.ofFloat32(special32[round % special32.length]), DataType.FLOAT32, ts));
                long[] ints = {Long.MIN_VALUE, Long.MAX_VALUE, round * 1000L, -1};
                out.add(reading(device, "count", Value.of(ints[round % ints.length]), DataType.INT64, ts));
                out.add(reading(device, "energy", new Value.UInt64(-1L - round), DataType.UINT64, ts));
                out.add(reading(device, "run", Value.of(round % 3 == 0), DataType.BOOL, ts));
                out.add(reading(device, "mode", Value.of(round % 4 == 0 ? "Grüße 🚀" : "AUTO"), DataType.STRING, ts));
                out.add(round % 3 == 0
                        ? Readings.reading("north-field", device, "level", null, DataType.FLOAT64, Quality.bad("timeout"), ts)
                        : reading(device, "level", new Value.Real(2.5 + round, false), DataType.FLOAT64, ts));
                if (extraPoints) {
                    out.add(reading(device, "extra-" + (round % 3), Value.of((long) round), DataType.INT64, ts + 3));
                }
            }
        }
        List<CompletableFuture<Void>> all = out.stream().map(m -> h.local.publish(m).toCompletableFuture()).toList();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return out;
    }

    private static Message reading(String device, String point, Value v, DataType type, long ts) {
        return Readings.reading("north-field", device, point, v, type, ts);
    }

    /** Until {@code n} distinct readings arrived (QoS 1 batches in flight at the restart may come twice). */
    private void awaitReadings(int n) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            java.util.Set<String> readings = new java.util.HashSet<>();
            Map<Long, TsTable> tables = tables();
            for (CloudClient.Received r : subscriber.received()) {
                if (!r.topic().contains(TsBatchPacker.TABLE_LEVEL)) {
                    TsBatchDecoder.decode(plain(r.raw()), tables::get).readings()
                            .forEach(x -> readings.add(x.point() + "@" + x.sourceMillis()));
                }
            }
            return readings.size() >= n;
        });
    }

    // ------------------------------------------------------------------ decoding

    private Map<Long, TsTable> tables() {
        Map<Long, TsTable> out = new HashMap<>();
        for (CloudClient.Received r : subscriber.received()) {
            if (r.topic().contains(TsBatchPacker.TABLE_LEVEL) && r.raw().length > 0) {
                TsTable t = TsTable.decode(plain(r.raw()));
                out.put(t.id(), t);
            }
        }
        return out;
    }

    private void decodeAll(int n, Map<String, List<JsonNode>> python, Map<String, List<JsonNode>> js,
                           Map<String, List<JsonNode>> java) throws Exception {
        awaitReadings(n);
        Path tableDir = Files.createDirectories(dir.resolve("tables"));
        List<String> tableArgs = new ArrayList<>();
        for (CloudClient.Received r : subscriber.received()) {
            if (r.topic().contains(TsBatchPacker.TABLE_LEVEL) && r.raw().length > 0) {
                Path f = tableDir.resolve(r.topic().replace('/', '_'));
                Files.write(f, r.raw());
                tableArgs.add("--table");
                tableArgs.add(f.toAbsolutePath().toString());
            }
        }
        Map<Long, TsTable> tables = tables();
        for (CloudClient.Received r : subscriber.received()) {
            if (r.topic().contains(TsBatchPacker.TABLE_LEVEL)) {
                continue;
            }
            List<String> py = new ArrayList<>(List.of("/usr/bin/python3", PYTHON_DECODER.toAbsolutePath().toString()));
            py.addAll(tableArgs);
            add(python, run(py, r.raw(), dir));
            List<String> node = new ArrayList<>(List.of("node", JS_PACKAGE.resolve("bin/ts-batch-decode.js").toAbsolutePath().toString()));
            node.addAll(tableArgs);
            add(js, run(node, r.raw(), dir));
            TsBatchDecoder.Batch b = TsBatchDecoder.decode(plain(r.raw()), tables::get);
            List<String> lines = new ArrayList<>();
            for (Sample s : b.readings()) {
                lines.add(JSON.writeValueAsString(TsBatchExamples.reading(s, b.history())));
            }
            add(java, lines);
        }
    }

    private static void add(Map<String, List<JsonNode>> into, List<String> lines) throws IOException {
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            if (n.has("device")) {
                into.computeIfAbsent(n.get("device").asText() + "/" + n.get("point").asText(), k -> new ArrayList<>()).add(n);
            }
        }
    }

    private static Map<String, List<JsonNode>> expected(List<Message> sent) {
        Map<String, List<JsonNode>> out = new HashMap<>();
        for (Message m : sent) {
            Sample s = m.sample();
            out.computeIfAbsent(s.point().toString(), k -> new ArrayList<>()).add(JSON.valueToTree(TsBatchExamples.reading(s, false)));
        }
        return out;
    }

    /**
     * Per point, its readings as strings of what must match: time, quality, reason, kind and bits or value; once per
     * source time (QoS 1 re-sends after the restart are duplicates, de-duplicated as the spec tells consumers to).
     */
    private static Map<String, List<String>> canonical(Map<String, List<JsonNode>> readings) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        readings.keySet().stream().sorted().forEach(k -> {
            java.util.TreeMap<Long, String> byTime = new java.util.TreeMap<>();
            for (JsonNode n : readings.get(k)) {
                String line = n.get("ts").asLong() + " " + n.get("quality").asText() + "(" + n.get("reason").asText()
                        + ") " + value(n);
                String before = byTime.putIfAbsent(n.get("ts").asLong(), line);
                assertThat(before == null || before.equals(line)).as("a re-sent reading is the same: " + line).isTrue();
            }
            out.put(k, List.copyOf(byTime.values()));
        });
        return out;
    }

    private static String value(JsonNode n) {
        String kind = n.get("kind").asText();
        if (n.has("bits")) {
            return kind + ":" + n.get("bits").asText();
        }
        if (kind.equals("array")) {
            StringBuilder b = new StringBuilder("[");
            n.get("value").forEach(i -> b.append(value(i)).append(','));
            return b.append(']').toString();
        }
        JsonNode v = n.get("value");
        return kind + ":" + (v == null || v.isNull() ? "null" : v.asText());
    }

    /** A payload without its zstd compression (the Java decoder's input). */
    private static byte[] plain(byte[] payload) {
        if (payload.length >= 4 && (payload[0] & 0xFF) == 0x28 && (payload[1] & 0xFF) == 0xB5) {
            return Zstd.decompress(payload, (int) Zstd.decompressedSize(payload));
        }
        return payload;
    }

    private static List<String> run(List<String> command, byte[] stdin, Path workDir) throws Exception {
        Path err = Files.createTempFile("decoder", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().write(stdin);
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(command + " failed: " + Files.readString(err) + new String(out, StandardCharsets.UTF_8));
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Skips (with a message; a failure under CI=true) unless node and the package's node_modules are there. */
    private static void assumeNode() {
        boolean ok;
        try {
            Process p = new ProcessBuilder("node", "-e", "require('fzstd')").directory(JS_PACKAGE.toFile())
                    .redirectErrorStream(true).start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        assumeTrue(ok, "node with " + JS_PACKAGE + "/node_modules is not installed (scripts/test.sh runs npm ci there); skipping");
    }
}
