package io.outpost.mqtt.internal.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.MessageRejectedException;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.testing.ManualScheduler;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.bridge.config.PriorityClass;
import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import io.outpost.mqtt.bridge.config.StoreConfig;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SegmentStoreTest {

    @TempDir
    Path dir;

    private final ManualScheduler time = new ManualScheduler(Instant.parse("2026-11-21T12:00:00Z"));
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

    private static StoreConfig config(long maxBytes, SyncPolicy sync, PriorityClass... classes) {
        List<PriorityClass> all = new ArrayList<>(List.of(classes));
        if (all.stream().noneMatch(c -> c.name().equals(PriorityClass.DEFAULT_NAME))) {
            all.add(new PriorityClass(PriorityClass.DEFAULT_NAME, List.of(), 1, OverflowPolicy.DROP_OLDEST));
        }
        return new StoreConfig(maxBytes, null, sync, Duration.ofMillis(5), all);
    }

    private SegmentStore open(StoreConfig config) throws IOException {
        SegmentStore s = SegmentStore.open(dir, "test", config, listener, time.clock(), PayloadFormats.standard());
        open.add(s);
        return s;
    }

    private void close(SegmentStore s) {
        s.close();
        open.remove(s);
    }

    private Queued message(int classIndex, String topic, String payload) {
        return Queued.of(classIndex, topic, payload, 1, time.clock().millis());
    }

    private static void appendAll(MessageStore store, List<Queued> messages) throws Exception {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Queued m : messages) {
            all.add(store.append(m.batch(store)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
    }

    /** Everything the cursor hands out now, taking each record. */
    private static List<StoredRecord> drain(MessageStore store, int classIndex) {
        List<StoredRecord> out = new ArrayList<>();
        try (StoreCursor c = store.cursor(classIndex)) {
            StoredRecord r;
            while ((r = c.peek()) != null) {
                assertThat(store.take(r.ref())).isTrue();
                out.add(r);
                c.advance();
            }
        }
        return out;
    }

    private static List<String> payloads(List<StoredRecord> records) {
        return records.stream().map(r -> new String(r.message().payload(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> numbered(int from, int to) {
        return java.util.stream.IntStream.range(from, to).mapToObj(i -> "m" + i).toList();
    }

    @ParameterizedTest
    @EnumSource(SyncPolicy.class)
    void appended_messages_come_back_in_order_with_every_field(SyncPolicy sync) throws Exception {
        SegmentStore store = open(config(1 << 20, sync));
        Queued rich = Queued.of(0, "sites/a/b", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), 2, true,
                new MessageProperties(List.of(new io.outpost.core.message.UserProperty("k", "v")), 60L,
                        "application/json", "reply/to", new byte[] {1, 2, 3}, true), 1234L);

        appendAll(store, List.of(rich, message(0, "t", "second")));
        List<StoredRecord> records = drain(store, 0);

        assertThat(records).hasSize(2);
        Message back = records.get(0).message();
        assertThat(records.get(0).topic()).isEqualTo("sites/a/b");
        assertThat(back.payload()).isEqualTo(rich.message().payload());
        assertThat(records.get(0).qos()).isEqualTo(2);
        assertThat(records.get(0).retain()).isTrue();
        assertThat(back.userProperties()).isEqualTo(rich.message().userProperties());
        assertThat(back.messageExpirySeconds()).isEqualTo(60L);
        assertThat(back.contentType()).isEqualTo("application/json");
        assertThat(back.responseTopic()).isEqualTo("reply/to");
        assertThat(back.correlationData()).containsExactly(1, 2, 3);
        assertThat(back.payloadFormatUtf8()).isTrue();
        assertThat(back.receivedAtMillis()).isEqualTo(1234L);
        assertThat(records.get(1).seq()).isGreaterThan(records.get(0).seq());
        assertThat(records.get(0).messageId()).isEqualTo(Long.toString(records.get(0).epoch(), 36) + "." + Long.toString(records.get(0).seq(), 36));
    }

    @Test
    void acknowledged_messages_stay_gone_after_reopen_and_the_rest_comes_back_in_order() throws Exception {
        SegmentStore store = open(config(1 << 20, SyncPolicy.GROUP_COMMIT));
        appendAll(store, numbered(0, 100).stream().map(p -> message(0, "t", p)).toList());
        List<StoredRecord> first = drain(store, 0);
        for (StoredRecord r : first.subList(0, 40)) {
            store.remove(r.ref(), Removal.ACKED);
        }
        close(store);

        SegmentStore reopened = open(config(1 << 20, SyncPolicy.GROUP_COMMIT));

        assertThat(payloads(drain(reopened, 0))).isEqualTo(numbered(40, 100));
        assertThat(reopened.stats().messages()).isEqualTo(60);
    }

    @Test
    void message_ids_never_repeat_across_reopens_even_when_the_clock_goes_back() throws Exception {
        SegmentStore store = open(config(1 << 20, SyncPolicy.EVERY_MESSAGE));
        appendAll(store, List.of(message(0, "t", "a")));
        StoredRecord a = drain(store, 0).get(0);
        store.remove(a.ref(), Removal.ACKED);
        close(store);

        SegmentStore later = SegmentStore.open(dir, "test", config(1 << 20, SyncPolicy.EVERY_MESSAGE), listener,
                java.time.Clock.fixed(Instant.parse("1970-01-02T00:00:00Z"), java.time.ZoneOffset.UTC),
                PayloadFormats.standard());
        open.add(later);
        appendAll(later, List.of(message(0, "t", "b")));
        StoredRecord b = drain(later, 0).get(0);

        assertThat(b.messageId()).isNotEqualTo(a.messageId());
        assertThat(b.epoch()).isGreaterThan(a.epoch());
    }

    @Test
    void a_torn_last_record_is_cut_off_and_appending_goes_on() throws Exception {
        SegmentStore store = open(config(1 << 20, SyncPolicy.EVERY_MESSAGE));
        appendAll(store, numbered(0, 10).stream().map(p -> message(0, "t", p)).toList());
        close(store);
        Path segment = onlySegment("default");
        long goodLength = Files.size(segment);
        ByteBuffer encoded = ByteBuffer.allocate(1024);
        Queued torn = message(0, "t", "torn");
        MessageRecords.encode(encoded, 1, 99, torn.message(), torn.route());
        byte[] next = java.util.Arrays.copyOf(encoded.array(), encoded.position());
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(goodLength);
            f.write(next, 0, next.length / 2);
        }

        SegmentStore reopened = open(config(1 << 20, SyncPolicy.EVERY_MESSAGE));
        appendAll(reopened, List.of(message(0, "t", "after")));

        assertThat(Files.size(segment)).isEqualTo(goodLength);
        List<String> expected = new ArrayList<>(numbered(0, 10));
        expected.add("after");
        assertThat(payloads(drain(reopened, 0))).isEqualTo(expected);
    }

    @Test
    void a_damaged_record_in_the_middle_is_skipped_and_the_others_are_kept() throws Exception {
        SegmentStore store = open(config(1 << 20, SyncPolicy.EVERY_MESSAGE));
        appendAll(store, numbered(0, 10).stream().map(p -> message(0, "t", p)).toList());
        close(store);
        Path segment = onlySegment("default");
        int recordLength = (int) (Files.size(segment) / 10);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(4L * recordLength + recordLength - 2);
            f.write('X');
        }

        SegmentStore reopened = open(config(1 << 20, SyncPolicy.EVERY_MESSAGE));

        List<String> expected = new ArrayList<>(numbered(0, 10));
        expected.remove("m4");
        assertThat(payloads(drain(reopened, 0))).isEqualTo(expected);
    }

    @Test
    void a_damaged_entry_in_the_middle_of_the_state_journal_is_skipped_and_the_entries_after_it_are_kept()
            throws Exception {
        SegmentStore store = open(config(1 << 20, SyncPolicy.EVERY_MESSAGE));
        appendAll(store, numbered(0, 60).stream().map(p -> message(0, "t", p)).toList());
        List<StoredRecord> records = drain(store, 0);
        // Three separate acknowledged ranges (three journal entries), then a QoS 2 handshake (a fourth).
        for (int[] range : new int[][] {{0, 10}, {20, 30}, {40, 50}}) {
            for (StoredRecord r : records.subList(range[0], range[1])) {
                store.remove(r.ref(), Removal.ACKED);
            }
            store.mark(List.of()).get();
        }
        store.mark(List.of(new Qos2Mark(records.get(55).ref(), 9, false))).get();
        close(store);
        Path journal = dir.resolve(StateJournal.FILE);
        long journalSize = Files.size(journal);
        assertThat(journalSize).as("at least four 21-byte entries").isGreaterThanOrEqualTo(4 * 21);
        try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
            f.seek(5);
            f.write(0x7F);
        }

        SegmentStore reopened = open(config(1 << 20, SyncPolicy.EVERY_MESSAGE));

        List<String> back = payloads(drain(reopened, 0));
        assertThat(back).as("the damaged first entry's records come back").contains("m0")
                .containsAll(numbered(10, 20)).containsAll(numbered(30, 40)).containsAll(numbered(56, 60))
                .as("the entries after the damaged one still hold").doesNotContainAnyElementsOf(numbered(20, 30))
                .doesNotContainAnyElementsOf(numbered(40, 50)).doesNotContain("m55");
        assertThat(reopened.recoveredHandshakes()).extracting(h -> h.mark().packetId()).containsExactly(9);
    }

    @Test
    void a_full_store_evicts_the_oldest_telemetry_and_keeps_every_alarm() throws Exception {
        PriorityClass alarms = new PriorityClass("alarms", List.of(TopicFilter.parse("+/alarms/#")), 10, OverflowPolicy.REJECT_NEW);
        StoreConfig config = config(256 * 1024, SyncPolicy.GROUP_COMMIT, alarms);
        SegmentStore store = open(config);
        String kb = "x".repeat(1000);
        List<Queued> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(message(1, "site/telemetry/" + (i % 7), i + ":" + kb));
            if (i % 50 == 0) {
                all.add(message(0, "site/alarms/" + i, "alarm" + i));
            }
        }
        appendAll(store, all);

        List<String> alarmsKept = payloads(drain(store, 0));
        List<String> telemetryKept = payloads(drain(store, 1));

        assertThat(alarmsKept).hasSize(20).allMatch(p -> p.startsWith("alarm"));
        assertThat(telemetryKept).isNotEmpty().hasSizeLessThan(1000);
        assertThat(telemetryKept.get(telemetryKept.size() - 1)).startsWith("999:");
        assertThat(dropped.get("evicted").get()).isEqualTo(1000 - telemetryKept.size());
        assertThat(store.stats().diskBytes()).isLessThanOrEqualTo(256 * 1024);
        List<Integer> order = telemetryKept.stream().map(p -> Integer.parseInt(p.substring(0, p.indexOf(':')))).toList();
        assertThat(order).isSorted();
    }

    @Test
    void a_reject_new_class_is_refused_when_the_store_is_full() throws Exception {
        PriorityClass alarms = new PriorityClass("alarms", List.of(TopicFilter.parse("#")), 10, OverflowPolicy.REJECT_NEW);
        SegmentStore store = open(config(64 * 1024, SyncPolicy.GROUP_COMMIT, alarms));
        String kb = "x".repeat(1000);
        int accepted = 0;
        MessageRejectedException refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            try {
                store.append(message(0, "a/" + i, kb).batch(store)).get();
                accepted++;
            } catch (ExecutionException e) {
                refused = (MessageRejectedException) e.getCause();
            }
        }

        assertThat(refused).isNotNull();
        assertThat(refused.reason()).isEqualTo("store-full");
        assertThat(drain(store, 0)).hasSize(accepted);
    }

    @Test
    void qos2_handshake_state_survives_a_reopen_and_its_record_is_not_handed_out_again() throws Exception {
        SegmentStore store = open(config(1 << 20, SyncPolicy.EVERY_MESSAGE));
        appendAll(store, List.of(message(0, "t", "sent"), message(0, "t", "released"), message(0, "t", "unsent")));
        List<StoredRecord> records = drain(store, 0);
        store.mark(List.of(new Qos2Mark(records.get(0).ref(), 7, false), new Qos2Mark(records.get(1).ref(), 8, false))).get();
        store.mark(List.of(new Qos2Mark(records.get(1).ref(), 8, true))).get();
        close(store);

        SegmentStore reopened = open(config(1 << 20, SyncPolicy.EVERY_MESSAGE));

        assertThat(reopened.recoveredHandshakes()).extracting(h -> h.mark().packetId(), h -> h.mark().released())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(7, false), org.assertj.core.groups.Tuple.tuple(8, true));
        assertThat(payloads(reopened.recoveredHandshakes().stream().map(MessageStore.Handshake::record).toList()))
                .containsExactly("sent", "released");
        assertThat(payloads(drain(reopened, 0))).containsExactly("unsent");
    }

    @Test
    void messages_past_their_expiry_are_dropped_and_counted() throws Exception {
        SegmentStore store = open(config(1 << 20, SyncPolicy.GROUP_COMMIT));
        appendAll(store, List.of(Queued.of(0, "t", "short-lived".getBytes(StandardCharsets.UTF_8), 1, false,
                new MessageProperties(List.of(), 5L, null, null, null, false), time.clock().millis())));
        // The next message does not fit the 64KB segment: a new one starts and the expiring message's is sealed.
        appendAll(store, List.of(message(0, "t", "y".repeat(70_000))));
        time.advance(Duration.ofSeconds(6));

        await().atMost(Duration.ofSeconds(20)).until(() -> dropped.containsKey("expired"));

        assertThat(payloads(drain(store, 0))).noneMatch(p -> p.equals("short-lived"));
    }

    @Test
    void a_second_process_cannot_open_the_same_queue() throws Exception {
        open(config(1 << 20, SyncPolicy.GROUP_COMMIT));

        assertThatThrownBy(() -> SegmentStore.open(dir, "test", config(1 << 20, SyncPolicy.GROUP_COMMIT), listener,
                time.clock(), PayloadFormats.standard()))
                .isInstanceOf(IOException.class).hasMessageContaining("in use");
    }

    @Test
    void a_class_removed_from_the_configuration_is_still_delivered() throws Exception {
        PriorityClass alarms = new PriorityClass("alarms", List.of(TopicFilter.parse("#")), 10, OverflowPolicy.REJECT_NEW);
        SegmentStore store = open(config(1 << 20, SyncPolicy.GROUP_COMMIT, alarms));
        appendAll(store, List.of(message(0, "a", "old-alarm")));
        close(store);

        SegmentStore reopened = open(config(1 << 20, SyncPolicy.GROUP_COMMIT));

        assertThat(reopened.classes()).extracting(StoreClass::name, StoreClass::adopted)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("default", false), org.assertj.core.groups.Tuple.tuple("alarms", true));
        assertThat(payloads(drain(reopened, 1))).containsExactly("old-alarm");
    }

    @Test
    void delivered_segments_are_deleted_from_disk() throws Exception {
        SegmentStore store = open(config(1 << 20, SyncPolicy.GROUP_COMMIT));
        String kb = "x".repeat(1000);
        appendAll(store, java.util.stream.IntStream.range(0, 300).mapToObj(i -> message(0, "t", kb)).toList());
        for (StoredRecord r : drain(store, 0)) {
            store.remove(r.ref(), Removal.ACKED);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> segments("default").size() <= 1);
        assertThat(store.stats().messages()).isZero();
    }

    private List<Path> segments(String classDir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(classDir))) {
            return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    private Path onlySegment(String classDir) throws IOException {
        List<Path> all = segments(classDir);
        assertThat(all).hasSize(1);
        return all.get(0);
    }
}
