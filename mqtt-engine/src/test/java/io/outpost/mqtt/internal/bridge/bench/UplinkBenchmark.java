package io.outpost.mqtt.internal.bridge.bench;

import com.github.luben.zstd.ZstdDictTrainer;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.micrometer.core.instrument.search.Search;
import io.outpost.core.message.Message;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.internal.bridge.batch.BatchEncoder;
import io.outpost.mqtt.internal.bridge.batch.TsTable;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import io.outpost.mqtt.internal.bridge.testing.TestCatalog;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes on the wire per point update for one workload in every uplink format: 1,000 float32 points (10 devices of
 * 100) following a random walk, all changing every second, and ts-batch on every data shape of {@link UplinkShapes}, forwarded to a real mosquitto. Bytes are counted at the
 * bridge's sockets (both directions) and, independently, by a TCP relay in front of mosquitto (bytes towards the
 * cloud). The peer is mosquitto's own bridge forwarding one JSON message per point, the naive baseline, through the
 * same relay in the same run. Latency is what a reading waited: arrival at the cloud subscriber minus its source
 * time (the moment it was published at the edge).
 *
 * <p>Run with {@code mqtt-engine/bench/uplink-bench.sh}. Arguments: a scratch directory; system properties
 * {@code bench.rounds} (measured seconds, default 30) and {@code bench.warmup} (default 3).
 */
public final class UplinkBenchmark {

    private static final int DEVICES = UplinkShapes.DEVICES;
    private static final int POINTS = UplinkShapes.POINTS;
    /** {@code all}: every format on the random walk, then ts-batch on every shape; {@code ts}: the ts-batch rows only. */
    private static final String ROWS = System.getProperty("bench.rows", "all");
    /** The data shapes of the ts-batch rows, comma-separated names of {@link UplinkShapes} (default: all). */
    private static final String SHAPES = System.getProperty("bench.shapes", "");
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 30);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 3);

    private final Path dir;
    private int run;
    private byte[] dictionary;

    private UplinkBenchmark(Path dir) {
        this.dir = dir;
    }

    /** One row of the table. */
    private record Result(String format, long updates, long socketBytes, long relayBytes, long messages,
                          List<Long> latencies) {
        String row(double baseline) {
            double perUpdate = socketBytes < 0 ? relayBytes / (double) updates : socketBytes / (double) updates;
            Collections.sort(latencies);
            return String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %.1f | %.1f | %.1f %% | %d / %d / %d |", format, updates, messages,
                    socketBytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", socketBytes / (double) updates),
                    relayBytes / (double) updates, perUpdate, 100 * perUpdate / baseline,
                    pct(latencies, 0.5), pct(latencies, 0.99), latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1));
        }

        double perUpdate() {
            return socketBytes < 0 ? relayBytes / (double) updates : socketBytes / (double) updates;
        }
    }

    private static long pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath().resolve("uplink"));
        UplinkBenchmark b = new UplinkBenchmark(dir);
        if (Boolean.getBoolean("bench.aggregates")) {
            b.rawVersusAggregates();
            return;
        }
        Path dict = b.trainDictionary();
        List<Result> results = new ArrayList<>();
        results.add(b.mosquittoBridge());
        String batch = "{from: \"north-field/#\", to: \"s/{site}/{device}\", qos: 1, format: %s, compression: %s%s, batch: {by: device, max-delay: 1s, max-bytes: 64KB}}";
        if (ROWS.equals("all")) {
            b.allFormats(results, batch, dict);
        }
        // ts-batch on every data shape, next to cbor-batch + zstd on the same data.
        for (UplinkShapes shape : UplinkShapes.values()) {
            if (!SHAPES.isEmpty() && !List.of(SHAPES.split(",")).contains(shape.name())) {
                continue;
            }
            if (shape != UplinkShapes.RANDOM_WALK || !ROWS.equals("all")) {
                results.add(b.ours(shape, "cbor-batch + zstd", "", batch.formatted("cbor-batch", "zstd", "")));
            }
            results.add(b.ours(shape, "ts-batch", "", batch.formatted("ts-batch", "none", "")));
            results.add(b.ours(shape, "ts-batch + zstd", "", batch.formatted("ts-batch", "zstd", "")));
        }
        // The issue's goal: 1,000 sensor points at 1 s in one batch per second (one PUBLISH for the whole plant).
        String byRule = "{from: \"north-field/#\", to: \"s/{site}/plant\", qos: 1, format: ts-batch, compression: %s, batch: {by: rule, max-delay: 1s, max-bytes: 64KB}}";
        results.add(b.ours(UplinkShapes.SENSOR, "ts-batch, one batch per second for all 1,000 points", "", byRule.formatted("none")));
        results.add(b.ours(UplinkShapes.SENSOR, "ts-batch + zstd, one batch per second for all 1,000 points", "", byRule.formatted("zstd")));
        double baseline = results.get(0).perUpdate();
        System.out.printf(Locale.ROOT, "%n%d points (%d devices x %d), one reading per point every second; "
                + "%d s measured after %d s warm-up; baseline = mosquitto bridge, one JSON message per point of the random walk (%.1f bytes per update)%n%n",
                DEVICES * POINTS, DEVICES, POINTS, ROUNDS, WARMUP, baseline);
        System.out.println("| format | point updates | messages | bytes/update at the bridge's sockets (both directions) "
                + "| bytes/update towards the cloud (relay) | bytes/update | of baseline | latency p50 / p99 / max (ms) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.println(r.row(baseline));
        }
    }

    // ------------------------------------------------------------------ raw readings versus 1-minute aggregates

    /** Windows of aggregates measured (each 1,000 messages, one per point). */
    private static final int WINDOWS = Integer.getInteger("bench.windows", 5);

    /**
     * Bytes per hour upstream for the same 1,000 points: raw 1 s readings (every point changes every second) against
     * one 1-minute aggregate per point (min, max, avg, twa, first, last, count, stddev, quality summary), made by the
     * gateway's own {@code Aggregator} from that random walk on a simulated clock, then forwarded through the bridge
     * to mosquitto like any message. Run with {@code -Dbench.aggregates=true}.
     */
    private void rawVersusAggregates() throws Exception {
        Path dict = trainDictionary();
        String perPoint = "{from: \"north-field/#\", to: \"sites/{topic}\", qos: 1}";
        String batch = "{from: \"north-field/#\", to: \"s/{site}/{device}\", qos: 1, format: cbor-batch, compression: zstd, "
                + "dictionary: \"" + dict + "\", batch: {by: device, max-delay: 1s, max-bytes: 64KB}}";
        Result raw = ours("raw 1 s readings, JSON per point, MQTT 5", "", perPoint);
        Result rawBatch = ours("raw 1 s readings, cbor-batch + zstd + dictionary", "", batch);
        Result agg = aggregates("1-minute aggregates, JSON per point, MQTT 5",
                "{from: \"north-field/agg/#\", to: \"sites/{topic}\", qos: 1}");
        String aggBatch = "{from: \"north-field/agg/#\", to: \"s/north-field/agg\", qos: 1, format: %s, compression: zstd, "
                + "batch: {by: rule, max-delay: 1s, max-bytes: 64KB}}";
        Result aggJsonBatch = aggregates("1-minute aggregates, json-batch + zstd", aggBatch.formatted("json-batch"));
        Result aggCborBatch = aggregates("1-minute aggregates, cbor-batch + zstd", aggBatch.formatted("cbor-batch"));
        System.out.printf(Locale.ROOT, "%n1,000 points; raw: %d s measured, each point changes every second (3,600,000 "
                + "updates per hour); aggregates: %d windows of 1 minute measured (60,000 messages per hour)%n%n", ROUNDS, WINDOWS);
        System.out.println("| upstream | messages measured | bytes per message/update (bridge's sockets) | bytes per hour | MB per hour | of raw JSON |");
        System.out.println("|---|---|---|---|---|---|");
        double rawHour = raw.perUpdate() * 3_600_000;
        for (Result r : List.of(raw, rawBatch)) {
            double hour = r.perUpdate() * 3_600_000;
            System.out.printf(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %.2f | %.1f %% |%n", r.format(), r.updates(),
                    r.perUpdate(), hour, hour / 1e6, 100 * hour / rawHour);
        }
        for (Result r : List.of(agg, aggJsonBatch, aggCborBatch)) {
            double hour = r.perUpdate() * 60_000;
            System.out.printf(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %.2f | %.1f %% |%n", r.format(), r.updates(),
                    r.perUpdate(), hour, hour / 1e6, 100 * hour / rawHour);
        }
    }

    /** The aggregate messages of {@link #WINDOWS} minutes of the workload, one list per window. */
    private static List<List<Message>> aggregateWindows() {
        io.outpost.core.testing.ManualScheduler clock = new io.outpost.core.testing.ManualScheduler();
        io.outpost.core.logic.ReadingFeed feed = new io.outpost.core.logic.ReadingFeed(ref -> java.util.Optional.empty());
        java.util.Map<io.outpost.core.point.PointRef, String> topics = new java.util.LinkedHashMap<>();
        for (int i = 0; i < DEVICES * POINTS; i++) {
            topics.put(new io.outpost.core.point.PointRef(device(i), point(i)),
                    "north-field/agg/1m/" + device(i) + "/" + point(i));
        }
        List<List<Message>> windows = new ArrayList<>();
        io.outpost.core.logic.aggregate.AggregateRule rule = new io.outpost.core.logic.aggregate.AggregateRule(
                Duration.ofMinutes(1), java.util.EnumSet.allOf(io.outpost.core.logic.aggregate.AggregateFunction.class),
                1, false, topics);
        io.outpost.core.logic.aggregate.Aggregator aggregator = new io.outpost.core.logic.aggregate.Aggregator(
                new io.outpost.core.logic.aggregate.AggregatesConfig(List.of(rule)), feed, clock, ms -> {
                    windows.add(List.copyOf(ms));
                    return CompletableFuture.completedFuture(null);
                }, Runnable::run, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        aggregator.start();
        UplinkShapes.Workload w = new UplinkShapes.Workload(UplinkShapes.RANDOM_WALK, 7);
        while (windows.size() < WINDOWS) {
            long ts = clock.instant().toEpochMilli();
            feed.observe(w.round(ts).stream().map(Message::sample).toList());
            clock.advance(Duration.ofSeconds(1));
        }
        aggregator.close();
        return windows;
    }

    private Result aggregates(String name, String rule) throws Exception {
        List<List<Message>> windows = aggregateWindows();
        Path runDir = dir.resolve("run-" + (++run));
        try (Mosquitto cloud = Mosquitto.start(runDir.resolve("cloud"));
             LinkEmulator relay = LinkEmulator.start("127.0.0.1", cloud.port());
             Cloud sub = Cloud.connect(cloud.port(), dictionary);
             BridgeHarness h = new BridgeHarness(runDir.resolve("data"))) {
            h.start("""
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        allow-plaintext: true
                        forward:
                          - %s
                    """.formatted(relay.port(), rule));
            h.bridge().attach(new TestCatalog());
            h.awaitConnected();
            long socketBefore = (long) (counter(h, "outpost.uplink.bytes", "sent") + counter(h, "outpost.uplink.bytes", "received"));
            long relayBefore = relay.bytesToServer();
            long sent = 0;
            for (List<Message> window : windows) {
                CompletableFuture.allOf(window.stream().map(m -> h.local.publish(m).toCompletableFuture())
                        .toArray(CompletableFuture[]::new)).join();
                sent += window.size();
            }
            // Batches carry the windows as plain messages, which the subscriber does not count as readings, and a
            // batch waits up to its max-delay: wait until the queue is empty and nothing moved towards the cloud
            // for 3 s (three max-delays).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long moved = -1;
            while (System.nanoTime() < deadline) {
                long now = relay.bytesToServer();
                if (now == moved && h.status().queuedMessages() == 0) {
                    break;
                }
                moved = now;
                Thread.sleep(3000);
            }
            long socket = (long) (counter(h, "outpost.uplink.bytes", "sent") + counter(h, "outpost.uplink.bytes", "received"))
                    - socketBefore;
            Result r = new Result(name, sent, socket, relay.bytesToServer() - relayBefore, sub.messages(), new ArrayList<>());
            System.out.println(r.row(r.perUpdate()));
            return r;
        }
    }

    private void allFormats(List<Result> results, String batch, Path dict) throws Exception {
        results.add(ours("json per point, MQTT 3.1.1 (naive, ours)", "mqtt-version: 3.1.1", "{from: \"north-field/#\", to: \"sites/{topic}\", qos: 1}"));
        results.add(ours("json per point, MQTT 5, topic aliases", "", "{from: \"north-field/#\", to: \"sites/{topic}\", qos: 1}"));
        results.add(ours("json-batch", "", batch.formatted("json-batch", "none", "")));
        results.add(ours("cbor-batch", "", batch.formatted("cbor-batch", "none", "")));
        results.add(ours("json-batch + deflate", "", batch.formatted("json-batch", "deflate", "")));
        results.add(ours("json-batch + zstd", "", batch.formatted("json-batch", "zstd", "")));
        results.add(ours("cbor-batch + zstd", "", batch.formatted("cbor-batch", "zstd", "")));
        results.add(ours("cbor-batch + zstd + dictionary", "", batch.formatted("cbor-batch", "zstd", ", dictionary: \"" + dict + "\"")));
        results.add(ours("Sparkplug B (DDATA QoS 0, as specified)", "mode: sparkplug\n    sparkplug: {group-id: plant}", "{from: \"north-field/#\"}"));
        results.add(ours("Sparkplug B (DDATA QoS 1)", "mode: sparkplug\n    sparkplug: {group-id: plant, data-qos: 1}", "{from: \"north-field/#\"}"));
    }

    // ------------------------------------------------------------------ workload

    private static String device(int i) {
        return UplinkShapes.device(i);
    }

    private static String point(int i) {
        return UplinkShapes.point(i);
    }

    // ------------------------------------------------------------------ runs

    private Result ours(String name, String upstreamExtra, String rule) throws Exception {
        return ours(UplinkShapes.RANDOM_WALK, name, upstreamExtra, rule);
    }

    private Result ours(UplinkShapes shape, String format, String upstreamExtra, String rule) throws Exception {
        String name = shape == UplinkShapes.RANDOM_WALK && !format.startsWith("ts-batch") ? format
                : format + " (" + shape.description() + ")";
        Path runDir = dir.resolve("run-" + (++run));
        try (Mosquitto cloud = Mosquitto.start(runDir.resolve("cloud"));
             LinkEmulator relay = LinkEmulator.start("127.0.0.1", cloud.port());
             Cloud sub = Cloud.connect(cloud.port(), dictionary);
             BridgeHarness h = new BridgeHarness(runDir.resolve("data"))) {
            h.start("""
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        allow-plaintext: true
                        %s
                        forward:
                          - %s
                    """.formatted(relay.port(), upstreamExtra, rule));
            TestCatalog catalog = new TestCatalog();
            for (int d = 0; d < DEVICES; d++) {
                String[] points = new String[POINTS];
                for (int p = 0; p < POINTS; p++) {
                    points[p] = point(d * POINTS + p) + ":" + shape.typeName();
                }
                catalog.device("north-field", device(d * POINTS), points);
            }
            h.bridge().attach(catalog);
            h.awaitConnected();
            UplinkShapes.Workload w = shape.workload(7);
            Publisher publish = ms -> CompletableFuture.allOf(ms.stream().map(m -> h.local.publish(m).toCompletableFuture())
                    .toArray(CompletableFuture[]::new)).join();
            Counters counters = () -> new long[] {
                    (long) (counter(h, "outpost.uplink.bytes", "sent") + counter(h, "outpost.uplink.bytes", "received")),
                    (long) h.meters.get("outpost.uplink.point.updates").counter().count(), relay.bytesToServer()};
            Result r = measure(name, w, publish, counters, sub, () -> h.status().queuedMessages() == 0);
            System.out.println(r.row(r.perUpdate()));
            return r;
        }
    }

    private static double counter(BridgeHarness h, String name, String direction) {
        return Search.in(h.meters).name(name).tag("direction", direction).functionCounter().count();
    }

    /** The peer: mosquitto as the edge broker with its bridge, one JSON message per point (QoS 1, MQTT 3.1.1). */
    private Result mosquittoBridge() throws Exception {
        Path runDir = dir.resolve("run-" + (++run));
        try (Mosquitto cloud = Mosquitto.start(runDir.resolve("cloud"));
             LinkEmulator relay = LinkEmulator.start("127.0.0.1", cloud.port());
             Mosquitto edge = Mosquitto.start(runDir.resolve("edge"), "connection cloud",
                     "address 127.0.0.1:" + relay.port(), "topic north-field/# out 1 \"\" sites/", "cleansession false",
                     "bridge_protocol_version mqttv311", "max_queued_messages 0");
             Cloud sub = Cloud.connect(cloud.port(), dictionary)) {
            Mqtt3AsyncClient local = MqttClient.builder().useMqttVersion3().identifier("bench-publisher")
                    .serverHost("127.0.0.1").serverPort(edge.port()).buildAsync();
            local.connect().orTimeout(10, TimeUnit.SECONDS).join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (relay.openConnections() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            UplinkShapes.Workload w = UplinkShapes.RANDOM_WALK.workload(7);
            Publisher publish = ms -> CompletableFuture.allOf(ms.stream().map(m -> local.publishWith().topic(m.topic())
                    .qos(MqttQos.AT_LEAST_ONCE).payload(m.payload()).send()).toArray(CompletableFuture[]::new)).join();
            AtomicLong published = new AtomicLong();
            Publisher counting = ms -> {
                publish.send(ms);
                published.addAndGet(ms.size());
            };
            Counters counters = () -> new long[] {-1, published.get(), relay.bytesToServer()};
            Result r = measure("json per point, mosquitto 2.0 bridge (peer, baseline)", w, counting, counters, sub, () -> true);
            local.disconnect().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            System.out.println(r.row(r.perUpdate()));
            return r;
        }
    }

    private interface Publisher {
        void send(List<Message> messages);
    }

    /** Socket bytes (or -1), point updates sent, bytes the relay passed towards the cloud. */
    private interface Counters {
        long[] read();
    }

    private interface Drained {
        boolean check();
    }

    private static Result measure(String name, UplinkShapes.Workload w, Publisher publish, Counters counters, Cloud sub, Drained drained)
            throws Exception {
        long start = System.currentTimeMillis();
        for (int i = 0; i < WARMUP; i++) {
            publish.send(w.round(System.currentTimeMillis()));
            sleepUntil(start + (i + 1) * 1000L);
        }
        awaitReadings(sub, (long) WARMUP * DEVICES * POINTS, drained);
        sub.reset();
        long[] before = counters.read();
        long t0 = System.currentTimeMillis();
        for (int i = 0; i < ROUNDS; i++) {
            publish.send(w.round(System.currentTimeMillis()));
            sleepUntil(t0 + (i + 1) * 1000L);
        }
        awaitReadings(sub, (long) ROUNDS * DEVICES * POINTS, drained);
        long[] after = counters.read();
        long updates = after[1] - before[1];
        return new Result(name, updates, before[0] < 0 ? -1 : after[0] - before[0], after[2] - before[2], sub.messages(),
                new ArrayList<>(sub.latencies));
    }

    private static void awaitReadings(Cloud sub, long n, Drained drained) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((sub.readings() < n || !drained.check()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // Acknowledgements of the last messages are on their way: let them in before the counters are read.
        Thread.sleep(300);
    }

    private static void sleepUntil(long millis) throws InterruptedException {
        long left = millis - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    /** A dictionary trained on cbor-batches of the same kind of plant (another random walk). */
    private Path trainDictionary() throws Exception {
        UplinkShapes.Workload w = UplinkShapes.RANDOM_WALK.workload(99);
        ZstdDictTrainer trainer = new ZstdDictTrainer(4 << 20, 16 * 1024);
        for (int round = 0; round < 60; round++) {
            List<Message> ms = w.round(1_763_700_000_000L + round * 1000L);
            for (int d = 0; d < DEVICES; d++) {
                List<StoredRecord> batch = new ArrayList<>();
                for (Message m : ms.subList(d * POINTS, (d + 1) * POINTS)) {
                    batch.add(Queued.reading(0, m, "t", 1, null).record(0));
                }
                trainer.addSample(BatchEncoder.encode(BatchFormat.CBOR_BATCH, batch, false));
            }
        }
        Path file = dir.resolve("plant.zdict");
        dictionary = trainer.trainSamples();
        Files.write(file, dictionary);
        return file;
    }

    /** The cloud subscriber: counts messages and readings, and how long each reading took to arrive. */
    private static final class Cloud implements AutoCloseable {
        private final Mqtt5AsyncClient client;
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        /** The ts-batch point tables seen, by id. */
        final Map<Long, TsTable> tables = new ConcurrentHashMap<>();
        private final AtomicLong messages = new AtomicLong();
        private final AtomicLong readings = new AtomicLong();

        private Cloud(Mqtt5AsyncClient client) {
            this.client = client;
        }

        static Cloud connect(int port, byte[] dictionary) {
            Mqtt5AsyncClient c = MqttClient.builder().useMqttVersion5().identifier("bench-cloud")
                    .serverHost("127.0.0.1").serverPort(port).buildAsync();
            c.connectWith().cleanStart(true).send().orTimeout(10, TimeUnit.SECONDS).join();
            Cloud cloud = new Cloud(c);
            c.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
                long now = System.currentTimeMillis();
                cloud.messages.incrementAndGet();
                try {
                    for (long ts : BenchDecoder.timestamps(p.getTopic().toString(), p.getPayloadAsBytes(), dictionary, cloud.tables)) {
                        cloud.latencies.add(now - ts);
                        cloud.readings.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot decode a message on " + p.getTopic(), e);
                }
            }).send().orTimeout(10, TimeUnit.SECONDS).join();
            return cloud;
        }

        long readings() {
            return readings.get();
        }

        long messages() {
            return messages.get();
        }

        void reset() {
            latencies.clear();
            messages.set(0);
            readings.set(0);
        }

        @Override
        public void close() {
            client.disconnect().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
