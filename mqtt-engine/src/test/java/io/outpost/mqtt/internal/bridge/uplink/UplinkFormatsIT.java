package io.outpost.mqtt.internal.bridge.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdDictTrainer;
import io.outpost.core.message.Message;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.mqtt.internal.bridge.testing.PythonDecoder;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import io.outpost.testing.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Batched and compressed uplink formats end to end: readings into the bridge, through a real mosquitto, decoded at
 * the cloud side by the documented Python decoder (cbor2, zlib, zstandard: no code shared with the encoder).
 */
class UplinkFormatsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_763_700_000_000L;

    @TempDir
    Path dir;

    private Mosquitto cloud;
    private CloudClient subscriber;
    private BridgeHarness h;

    @BeforeEach
    void start() {
        PythonDecoder.assumeAvailable();
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

    @ParameterizedTest(name = "{0}, compression {1}")
    @CsvSource({"json-batch, none", "cbor-batch, none", "json-batch, deflate", "cbor-batch, deflate",
            "json-batch, zstd", "cbor-batch, zstd"})
    void every_reading_arrives_in_batches_per_device_that_an_independent_decoder_reads(String format, String compression)
            throws Exception {
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    forward:
                      - from: "north-field/#"
                        to: "sites/{site}/batch/{device}"
                        qos: 1
                        format: %s
                        compression: %s
                        batch: {by: device, max-delay: 200ms, max-bytes: 4KB}
                """.formatted(cloud.port(), format, compression));
        h.awaitConnected();
        List<Message> sent = workload(300);
        publishAll(sent);

        List<Map<String, Object>> readings = decodeUntil(sent.size());

        assertThat(subscriber.received()).allSatisfy(r -> assertThat(r.topic()).matches("sites/north-field/batch/pump-[12]"));
        assertThat(subscriber.count()).as("batches, not one message per reading").isLessThan(sent.size() / 5);
        assertSameReadings(sent, readings);
    }

    @Test
    void a_shared_dictionary_shrinks_small_batches_and_the_decoder_finds_it_by_its_id() throws Exception {
        Path dict = dir.resolve("site.zdict");
        Files.write(dict, trainDictionary());
        String yaml = """
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    forward:
                      - from: "north-field/#"
                        to: "sites/{site}/batch/{device}"
                        format: cbor-batch
                        compression: zstd
                        dictionary: "%s"
                        batch: {max-delay: 50ms}
                """.formatted(cloud.port(), dict);
        h.start(yaml);
        h.awaitConnected();
        List<Message> sent = workload(40);
        publishAll(sent);

        List<Map<String, Object>> readings = decodeUntil(sent.size(), dict);

        assertSameReadings(sent, readings);
    }

    @Test
    void messages_that_are_not_readings_travel_in_the_batch_with_their_local_topic() throws Exception {
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    forward:
                      - {from: "north-field/#", to: "sites/{site}/batch/{device}", format: json-batch, batch: {max-delay: 50ms}}
                """.formatted(cloud.port()));
        h.awaitConnected();
        h.local.publish("north-field/pump-1/_status", "{\"state\":\"online\"}", 1).toCompletableFuture().join();

        CloudClient.Received got = subscriber.awaitCount(1, Duration.ofSeconds(30)).get(0);

        assertThat(got.topic()).isEqualTo("sites/north-field/batch/_gateway");
        List<String> lines = PythonDecoder.decode(got.raw());
        assertThat(lines).hasSize(1);
        Map<?, ?> m = JSON.readValue(lines.get(0), Map.class);
        assertThat(m.get("topic")).isEqualTo("north-field/pump-1/_status");
        assertThat(m.get("payload")).isEqualTo("{\"state\":\"online\"}");
    }

    // ------------------------------------------------------------------ helpers

    /** Two devices, float32/float64/int/bool/text points and a bad reading, timestamps 1 s apart per round. */
    private static List<Message> workload(int n) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String device = "pump-" + (1 + i % 2);
            long ts = T0 + (i / 10) * 1000L;
            Message m = switch (i % 5) {
                case 0 -> Readings.reading("north-field", device, "flow", Value.of(21.3 + i * 0.01), DataType.FLOAT32, ts);
                case 1 -> Readings.reading("north-field", device, "pressure", Value.of(3.14159265358979 + i), DataType.FLOAT64, ts);
                case 2 -> Readings.reading("north-field", device, "starts", Value.of((long) i * 1000), DataType.INT32, ts);
                case 3 -> Readings.reading("north-field", device, "running", Value.of(i % 2 == 0), DataType.BOOL, ts);
                default -> i % 3 == 0
                        ? Readings.reading("north-field", device, "level", null, DataType.FLOAT64, Quality.bad("timeout"), ts)
                        : Readings.reading("north-field", device, "mode", Value.of("AUTO-" + i), DataType.STRING, ts);
            };
            out.add(m);
        }
        return out;
    }

    private void publishAll(List<Message> messages) {
        List<CompletableFuture<Void>> all = messages.stream().map(m -> h.local.publish(m).toCompletableFuture()).toList();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    /** Decodes every batch that arrived until {@code n} readings were read. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> decodeUntil(int n, Path... dictionaries) throws Exception {
        List<Map<String, Object>> readings = new ArrayList<>();
        int decoded = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (readings.size() < n && System.nanoTime() < deadline) {
            List<CloudClient.Received> got = subscriber.awaitCount(decoded + 1, Duration.ofSeconds(30));
            for (CloudClient.Received r : got.subList(decoded, got.size())) {
                for (String line : PythonDecoder.decode(r.raw(), dictionaries)) {
                    readings.add(JSON.readValue(line, Map.class));
                }
            }
            decoded = got.size();
        }
        return readings;
    }

    private static void assertSameReadings(List<Message> sent, List<Map<String, Object>> readings) {
        assertThat(readings).hasSize(sent.size());
        for (String device : List.of("pump-1", "pump-2")) {
            for (String point : List.of("flow", "pressure", "starts", "running", "mode", "level")) {
                List<Message> expected = sent.stream().filter(m -> m.sample().point().device().equals(device)
                        && m.sample().point().point().equals(point)).toList();
                List<Map<String, Object>> got = readings.stream().filter(r -> r.get("device").equals(device)
                        && r.get("point").equals(point)).toList();
                assertThat(got).as(device + "/" + point).hasSize(expected.size());
                for (int i = 0; i < expected.size(); i++) {
                    assertReading(expected.get(i), got.get(i));
                }
            }
        }
    }

    private static void assertReading(Message expected, Map<String, Object> got) {
        var sample = expected.sample();
        assertThat(((Number) got.get("ts")).longValue()).isEqualTo(sample.sourceMillis());
        assertThat(got.get("quality")).isEqualTo(sample.quality().status().wireName());
        assertThat(got.get("reason")).isEqualTo(sample.quality().reason());
        Value v = sample.value();
        Object value = got.get("value");
        if (v == null) {
            assertThat(value).isNull();
        } else if (v instanceof Value.Real r) {
            double tolerance = r.single() ? Math.ulp((float) r.value()) : 0;
            assertThat(((Number) value).doubleValue()).isCloseTo(r.value(), within(tolerance));
        } else if (v instanceof Value.Int i) {
            assertThat(((Number) value).longValue()).isEqualTo(i.value());
        } else if (v instanceof Value.Bool b) {
            assertThat(value).isEqualTo(b.value());
        } else {
            assertThat(value).isEqualTo(v.toString());
        }
    }

    /** A dictionary trained on batches like the ones sent (with its own id, as zstd --train makes them). */
    private static byte[] trainDictionary() {
        ZstdDictTrainer trainer = new ZstdDictTrainer(1 << 20, 8 * 1024);
        for (int round = 0; round < 400; round++) {
            StringBuilder sample = new StringBuilder("{\"v\":1,\"t\":").append(T0 + round).append(",\"d\":{\"pump-1\":{");
            for (String p : List.of("flow", "pressure", "starts", "running", "mode", "level")) {
                sample.append('"').append(p).append("\":[[").append(round % 7).append(',').append(round * 0.37).append("]],");
            }
            sample.append("}}}");
            trainer.addSample(sample.toString().getBytes(StandardCharsets.UTF_8));
        }
        return trainer.trainSamples();
    }
}
