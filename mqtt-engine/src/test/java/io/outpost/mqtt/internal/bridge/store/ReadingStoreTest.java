package io.outpost.mqtt.internal.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.core.message.Message;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.testing.ManualScheduler;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.bridge.config.Compression;
import io.outpost.mqtt.bridge.config.Packing;
import io.outpost.mqtt.bridge.config.PriorityClass;
import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import io.outpost.mqtt.bridge.config.StoreConfig;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's records of the core's readings: a poll is one record of a few bytes per reading that names its route
 * by index, live records reach the sender from memory, and everything comes back typed after a restart, including
 * what an earlier version of the gateway queued.
 */
class ReadingStoreTest {

    private static final long T0 = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();
    private static final Packing CBOR = new Packing(BatchFormat.CBOR_BATCH, Compression.NONE, 1_000, 16 * 1024, 0);

    @TempDir
    Path dir;

    private final ManualScheduler time = new ManualScheduler(Instant.ofEpochMilli(T0));
    private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();
    private final List<SegmentStore> open = new ArrayList<>();

    private final StoreListener listener = new StoreListener() {
        @Override
        public void readable() {
        }

        @Override
        public void dropped(String reason, long messages) {
            dropped.computeIfAbsent(reason, k -> new AtomicLong()).addAndGet(messages);
        }
    };

    @AfterEach
    void closeStores() {
        open.forEach(SegmentStore::close);
    }

    private SegmentStore open() throws IOException {
        StoreConfig config = new StoreConfig(64L << 20, null, SyncPolicy.GROUP_COMMIT, Duration.ofMillis(5),
                List.of(new PriorityClass(PriorityClass.DEFAULT_NAME, List.of(), 1, OverflowPolicy.DROP_OLDEST)));
        SegmentStore s = SegmentStore.open(dir, "test", config, listener, time.clock(), PayloadFormats.standard());
        open.add(s);
        return s;
    }

    private void close(SegmentStore s) {
        s.close();
        open.remove(s);
    }

    /** One poll of a device: a reading of every kind, as the core hands them over together. */
    private static List<Queued> poll(String device, long at) {
        List<Message> readings = List.of(
                Readings.reading("site", device, "level", Value.of(2.484), DataType.FLOAT32, at),
                Readings.reading("site", device, "energy", Value.of(1234567.125), DataType.FLOAT64, at - 1),
                Readings.reading("site", device, "count", Value.of(-42), DataType.INT32, at - 250),
                Readings.reading("site", device, "total", new Value.UInt64(-1L), DataType.UINT64, at),
                Readings.reading("site", device, "running", Value.of(true), DataType.BOOL, at),
                Readings.reading("site", device, "mode", Value.of("auto é"), DataType.STRING, at),
                Readings.reading("site", device, "curve", new Value.Array(List.of(Value.of(1), Value.of(2.5))), null, at),
                Readings.reading("site", device, "flow", null, DataType.FLOAT32, Quality.bad(Quality.TIMEOUT), at),
                Readings.reading("site", device, "temp", Value.of(21.5), DataType.FLOAT32,
                        Quality.uncertain(Quality.OUT_OF_RANGE), at - 60_000));
        List<Queued> out = new ArrayList<>();
        for (Message m : readings) {
            out.add(Queued.reading(0, m, "cloud/" + m.topic(), 1, m.topic().endsWith("count") ? CBOR : null));
        }
        return out;
    }

    private static List<StoredRecord> drain(MessageStore store) {
        List<StoredRecord> out = new ArrayList<>();
        try (StoreCursor c = store.cursor(0)) {
            StoredRecord r;
            while ((r = c.peek()) != null) {
                assertThat(store.take(r.ref())).isTrue();
                out.add(r);
                c.advance();
            }
        }
        return out;
    }

    private static void append(MessageStore store, List<Queued> batch) throws Exception {
        store.append(Queued.batch(store, batch)).get();
    }

    private static List<Sample> samples(List<StoredRecord> records) {
        return records.stream().map(StoredRecord::sample).toList();
    }

    @Test
    void a_poll_is_one_record_and_every_reading_comes_back_typed_after_a_restart() throws Exception {
        SegmentStore store = open();
        List<Queued> poll = poll("rtu-1", T0);
        append(store, poll);
        close(store);

        SegmentStore reopened = open();
        List<StoredRecord> back = drain(reopened);

        assertThat(reopened.diskReads()).as("records read from the file").isEqualTo(1);
        assertThat(samples(back)).isEqualTo(poll.stream().map(q -> q.message().sample()).toList());
        assertThat(back).extracting(StoredRecord::topic).isEqualTo(poll.stream().map(q -> q.route().remoteTopic()).toList());
        assertThat(back).extracting(StoredRecord::packing).isEqualTo(poll.stream().map(q -> q.route().packing()).toList());
        assertThat(back).extracting(StoredRecord::receivedAtMillis)
                .isEqualTo(poll.stream().map(q -> q.message().receivedAtMillis()).toList());
        for (int i = 1; i < back.size(); i++) {
            assertThat(back.get(i).seq()).isEqualTo(back.get(0).seq() + i);
            assertThat(back.get(i).ref().offset()).isEqualTo(back.get(0).ref().offset());
        }
        // Rendered on demand, as it would have been before it was queued.
        assertThat(new String(back.get(0).message().payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"value\":2.484,\"quality\":\"good\",\"ts\":" + T0 + "}");
    }

    @Test
    void live_records_reach_the_cursor_from_memory_and_only_a_backlog_is_read_back_from_disk() throws Exception {
        SegmentStore store = open();
        for (int i = 0; i < 50; i++) {
            append(store, poll("rtu-" + i, T0 + i));
        }
        List<StoredRecord> live = drain(store);

        assertThat(live).hasSize(50 * 9);
        assertThat(store.diskReads()).as("records read back on the live path").isZero();
        // The very messages the forwarder appended, not copies read back.
        assertThat(live.get(0).message().sample().value()).isEqualTo(Value.ofFloat32(2.484f));
        close(store);

        SegmentStore reopened = open();
        assertThat(drain(reopened)).hasSize(50 * 9);
        assertThat(reopened.diskReads()).isEqualTo(50);
    }

    @Test
    void a_queued_float_reading_of_a_100_point_poll_takes_at_most_24_bytes_of_disk() throws Exception {
        SegmentStore store = open();
        Random random = new Random(7);
        for (int poll = 0; poll < 100; poll++) {
            List<Queued> batch = new ArrayList<>();
            for (int p = 0; p < 100; p++) {
                Message m = Readings.reading("site", "rtu", "p" + p, Value.of(random.nextGaussian() * 100),
                        DataType.FLOAT32, T0 + poll * 1000L);
                batch.add(Queued.reading(0, m, "cloud/batch/rtu", 1, CBOR));
            }
            append(store, batch);
        }
        long bytes;
        try (Stream<Path> files = Files.walk(dir)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }

        assertThat(store.stats().messages()).isEqualTo(10_000);
        assertThat((double) bytes / 10_000).as("bytes per reading, route table and journal included").isLessThanOrEqualTo(24);
    }

    @Test
    void acknowledging_part_of_a_poll_keeps_exactly_the_rest_across_a_restart() throws Exception {
        SegmentStore store = open();
        append(store, poll("rtu-1", T0));
        append(store, poll("rtu-2", T0 + 1000));
        List<StoredRecord> all = drain(store);
        Set<Long> acked = new HashSet<>();
        for (int i = 0; i < all.size(); i += 3) {
            store.remove(all.get(i).ref(), Removal.ACKED);
            acked.add(all.get(i).seq());
        }
        close(store);

        SegmentStore reopened = open();
        List<StoredRecord> rest = drain(reopened);

        assertThat(rest).extracting(StoredRecord::seq)
                .isEqualTo(all.stream().map(StoredRecord::seq).filter(s -> !acked.contains(s)).toList());
        assertThat(reopened.stats().messages()).isEqualTo(rest.size());
        for (StoredRecord r : rest) {
            reopened.remove(r.ref(), Removal.ACKED);
        }
        assertThat(reopened.stats().messages()).isZero();
    }

    @Test
    void a_qos2_handshake_of_one_reading_of_a_poll_survives_a_restart_and_the_others_are_not_held() throws Exception {
        SegmentStore store = open();
        append(store, poll("rtu-1", T0));
        List<StoredRecord> all = drain(store);
        StoredRecord third = all.get(2);
        store.mark(List.of(new Qos2Mark(third.ref(), 11, true))).get();
        close(store);

        SegmentStore reopened = open();

        assertThat(reopened.recoveredHandshakes()).singleElement().satisfies(h -> {
            assertThat(h.mark().packetId()).isEqualTo(11);
            assertThat(h.mark().released()).isTrue();
            assertThat(h.record().seq()).isEqualTo(third.seq());
            assertThat(h.record().sample()).isEqualTo(third.sample());
        });
        assertThat(drain(reopened)).hasSize(all.size() - 1).noneMatch(r -> r.seq() == third.seq());
    }

    @Test
    void readings_whose_route_a_crash_lost_were_never_acknowledged_and_are_dropped_counted() throws Exception {
        SegmentStore store = open();
        append(store, poll("rtu-1", T0));
        close(store);
        // A power cut after the segment's write reached the disk but before the route table's did.
        Files.write(dir.resolve(RouteTable.FILE), new byte[0]);

        SegmentStore reopened = open();

        assertThat(drain(reopened)).isEmpty();
        assertThat(dropped.get("damaged")).hasValue(9);
        assertThat(reopened.stats().messages()).isZero();
    }

    @Test
    void what_the_previous_record_format_queued_is_delivered() throws Exception {
        // Written by the gateway before compact records (src/test/resources/stores/v2, README.md there says how):
        // a client's message with properties, three readings (float32, uint32 packed, bad), one acknowledged
        // message, and a QoS 2 message whose PUBLISH went out with packet id 9.
        Path fixture = Path.of("src/test/resources/stores/v2");
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path p : files.toList()) {
                Path target = dir.resolve(fixture.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }

        SegmentStore store = open();
        List<StoredRecord> back = drain(store);

        assertThat(store.recoveredHandshakes()).singleElement().satisfies(h -> {
            assertThat(h.mark().packetId()).isEqualTo(9);
            assertThat(h.record().topic()).isEqualTo("cloud/cmd/result");
            assertThat(h.record().qos()).isEqualTo(2);
        });
        assertThat(back).extracting(StoredRecord::topic).containsExactly("cloud/site/hmi/note", "cloud/site/tank/level",
                "cloud/batch/pump", "cloud/site/pump/flow");
        StoredRecord note = back.get(0);
        assertThat(new String(note.message().payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(note.message().userProperties()).extracting(u -> u.name() + "=" + u.value()).containsExactly("k=v");
        assertThat(note.message().messageExpirySeconds()).isEqualTo(3600L);
        assertThat(note.message().responseTopic()).isEqualTo("reply/x");
        assertThat(note.sample()).isNull();
        StoredRecord level = back.get(1);
        assertThat(level.sample().value()).isEqualTo(Value.ofFloat32(2.484f));
        assertThat(level.localTopic()).isEqualTo("site/tank/level");
        assertThat(back.get(2).sample().value()).isEqualTo(Value.of(42));
        assertThat(back.get(2).packing()).isEqualTo(new Packing(BatchFormat.CBOR_BATCH, Compression.ZSTD, 1000, 16384, 0));
        assertThat(back.get(3).sample().quality()).isEqualTo(Quality.bad(Quality.TIMEOUT));

        // New records go on after the old ones, with larger ids.
        append(store, poll("rtu-1", T0));
        List<StoredRecord> fresh = drain(store);
        assertThat(fresh).hasSize(9);
        assertThat(fresh.get(0).epoch()).isGreaterThan(note.epoch());
    }

    @Test
    void a_live_lane_learns_the_backlogs_topics_without_decoding_its_readings() throws Exception {
        SegmentStore store = open();
        append(store, poll("old", T0));
        close(store);
        SegmentStore reopened = open();
        // Readings carry the wall-clock time they were handed over: the link "came up" between the two polls.
        long linkUp = System.currentTimeMillis() + 1;
        await().atMost(Duration.ofSeconds(1)).until(() -> System.currentTimeMillis() > linkUp);
        append(reopened, poll("new", T0 + 10_000));

        Set<String> topics = new HashSet<>();
        try (StoreCursor c = reopened.cursor(0)) {
            int skipped = c.skipBacklog(linkUp, topics, 1_000);
            StoredRecord first = c.peek();

            assertThat(skipped).isEqualTo(9);
            assertThat(topics).hasSize(9).allMatch(t -> t.startsWith("cloud/site/old/"));
            assertThat(first.topic()).startsWith("cloud/site/new/");
        }
    }
}
