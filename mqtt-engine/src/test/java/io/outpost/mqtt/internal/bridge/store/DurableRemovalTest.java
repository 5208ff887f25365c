package io.outpost.mqtt.internal.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.message.PayloadFormats;
import io.outpost.mqtt.bridge.config.PriorityClass;
import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import io.outpost.mqtt.bridge.config.StoreConfig;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acknowledged removals reach stable storage with the writer's group commit, also when nothing else is written (an
 * idle gateway draining its backlog), and many acknowledgements share one flush. The writer is stepped on the test's
 * thread in simulated time over {@link FaultyFiles}, whose power cut drops everything not flushed.
 */
class DurableRemovalTest {

    private static final Path DIR = Path.of("/sim/store");
    private static final long GROUP_COMMIT = TimeUnit.MILLISECONDS.toNanos(10);

    private final FaultyFiles files = new FaultyFiles(Path.of("/sim"));
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-05T07:00:00Z"), ZoneOffset.UTC);
    private final StoreConfig config = new StoreConfig(1L << 20, null, SyncPolicy.GROUP_COMMIT,
            Duration.ofNanos(GROUP_COMMIT), List.of(new PriorityClass(PriorityClass.DEFAULT_NAME, List.of(), 1,
            OverflowPolicy.REJECT_NEW)));
    private long nanos = 1_000_000_000L;

    private SegmentStore open() throws IOException {
        return SegmentStore.open(files, DIR, "sim", config, StoreListener.NONE, clock, PayloadFormats.standard(),
                () -> nanos);
    }

    /** One group-commit interval passes and the writer runs once. */
    private void interval(SegmentStore store) {
        nanos += GROUP_COMMIT;
        store.stepWriter();
    }

    private List<StoredRecord> appendAndTake(SegmentStore store, int n) {
        List<CompletableFuture<Void>> appended = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            appended.add(store.append(Queued.of(0, "t", "m" + i, 1, clock.millis()).batch(store)));
        }
        interval(store);
        assertThat(appended).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        List<StoredRecord> out = new ArrayList<>();
        StoreCursor c = store.cursor(0);
        StoredRecord r;
        while ((r = c.peek()) != null) {
            c.advance();
            assertThat(store.take(r.ref())).isTrue();
            out.add(r);
        }
        c.close();
        return out;
    }

    private List<String> afterPowerCut() throws IOException {
        files.powerCut(new Random(1), FaultyFiles.CutMode.DROP_ALL);
        SegmentStore store = open();
        List<String> back = new ArrayList<>();
        StoreCursor c = store.cursor(0);
        StoredRecord r;
        while ((r = c.peek()) != null) {
            c.advance();
            back.add(new String(r.message().payload(), StandardCharsets.UTF_8));
        }
        c.close();
        store.close();
        return back;
    }

    @Test
    void an_acknowledged_removal_survives_a_power_cut_one_group_commit_later_when_nothing_else_is_written()
            throws Exception {
        SegmentStore store = open();
        List<StoredRecord> taken = appendAndTake(store, 10);
        for (StoredRecord r : taken.subList(0, 6)) {
            store.remove(r.ref(), Removal.ACKED);
        }

        store.stepWriter();
        interval(store);

        // The store is not closed: the power goes.
        assertThat(afterPowerCut()).containsExactly("m6", "m7", "m8", "m9");
    }

    @Test
    void a_burst_of_acknowledgements_costs_one_flush_of_the_journal() throws Exception {
        SegmentStore store = open();
        List<StoredRecord> taken = appendAndTake(store, 200);
        int before = files.forces(StateJournal.FILE);
        for (StoredRecord r : taken) {
            store.remove(r.ref(), Removal.ACKED);
            if (r.seq() % 20 == 0) {
                // Acknowledgements keep waking the writer within the interval: they are written, not flushed.
                store.stepWriter();
            }
        }
        interval(store);

        assertThat(files.forces(StateJournal.FILE) - before).isEqualTo(1);
        assertThat(afterPowerCut()).isEmpty();
    }
}
