package io.outpost.mqtt.internal.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.message.MessageRejectedException;
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
 * A full disk (ENOSPC) and I/O errors (EIO) without a privileged mount: the store on {@link FaultyFiles}, its writer
 * stepped on the test's thread. What the store cannot make durable it refuses ({@code disk-full}, {@code
 * store-error}) and never hands out; it goes on once the disk does, and a power cut afterwards loses nothing it
 * acknowledged.
 */
class DiskFaultTest {

    private static final Path DIR = Path.of("/sim/store");
    private static final long GROUP_COMMIT = TimeUnit.MILLISECONDS.toNanos(10);
    private static final String KB = "x".repeat(1000);

    private final FaultyFiles files = new FaultyFiles(Path.of("/sim"));
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-05T07:00:00Z"), ZoneOffset.UTC);
    private final StoreConfig config = new StoreConfig(16L << 20, null, SyncPolicy.GROUP_COMMIT,
            Duration.ofNanos(GROUP_COMMIT), List.of(new PriorityClass(PriorityClass.DEFAULT_NAME, List.of(), 1,
            OverflowPolicy.DROP_OLDEST)));
    private long nanos = 1_000_000_000L;
    private SegmentStore store;
    private StoreCursor cursor;

    private void open() throws IOException {
        store = SegmentStore.open(files, DIR, "sim", config, StoreListener.NONE, clock, PayloadFormats.standard(),
                () -> nanos);
        cursor = store.cursor(0);
    }

    /** Appends one message and lets the writer flush; null when acknowledged, else the reason it was refused. */
    private String append(String payload) {
        CompletableFuture<Void> done = store.append(Queued.of(0, "t", payload, 1, clock.millis()).batch(store));
        for (int i = 0; i < 3 && !done.isDone(); i++) {
            nanos += GROUP_COMMIT;
            store.stepWriter();
        }
        assertThat(done).isDone();
        try {
            done.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return ((MessageRejectedException) e.getCause()).reason();
        }
    }

    private List<StoredRecord> takeAll() {
        List<StoredRecord> out = new ArrayList<>();
        StoredRecord r;
        while ((r = cursor.peek()) != null) {
            cursor.advance();
            assertThat(store.take(r.ref())).isTrue();
            out.add(r);
        }
        return out;
    }

    private static List<String> payloads(List<StoredRecord> records) {
        return records.stream().map(r -> new String(r.message().payload(), StandardCharsets.UTF_8)).toList();
    }

    /** Cuts the power (the store is not closed), brings the machine back and opens the store again. */
    private List<String> afterPowerCut(FaultyFiles.CutMode mode) throws IOException {
        files.powerCut(new Random(7), mode);
        open();
        return payloads(takeAll());
    }

    @Test
    void a_full_disk_refuses_as_disk_full_and_accepts_again_once_there_is_space_losing_nothing_acknowledged()
            throws Exception {
        open();
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            assertThat(append(i + ":" + KB)).isNull();
            acknowledged.add(i + ":" + KB);
        }
        List<StoredRecord> taken = takeAll();
        List<String> later = new ArrayList<>();
        files.capacity(files.usedBytes() + 20_000);

        String refused = null;
        int i = 10;
        while (refused == null) {
            refused = append(i + ":" + KB);
            if (refused == null) {
                acknowledged.add(i + ":" + KB);
                later.add(i + ":" + KB);
            }
            i++;
            assertThat(i).as("never refused").isLessThan(100);
        }
        assertThat(refused).isEqualTo("disk-full");
        assertThat(append("while-full")).isEqualTo("disk-full");
        // Acknowledgements go on while the disk is full: the removals wait in memory for space.
        for (StoredRecord r : taken.subList(0, 5)) {
            store.remove(r.ref(), Removal.ACKED);
        }
        acknowledged.subList(0, 5).clear();
        nanos += GROUP_COMMIT;
        store.stepWriter();

        files.capacity(Long.MAX_VALUE);
        for (int k = 0; k < 5; k++) {
            assertThat(append("after-" + k)).as("append once there is space again").isNull();
            acknowledged.add("after-" + k);
            later.add("after-" + k);
        }
        assertThat(payloads(takeAll())).as("handed out before the power cut").containsExactlyElementsOf(later);

        assertThat(afterPowerCut(FaultyFiles.CutMode.TORN_PREFIX)).containsExactlyElementsOf(acknowledged);
    }

    @Test
    void a_failed_flush_refuses_what_waited_for_it_as_store_error_never_hands_it_out_and_the_store_goes_on()
            throws Exception {
        open();
        assertThat(append("before")).isNull();
        files.failForces(1);

        assertThat(append("during")).isEqualTo("store-error");
        assertThat(append("after")).isNull();

        assertThat(payloads(takeAll())).containsExactly("before", "after");
        assertThat(afterPowerCut(FaultyFiles.CutMode.REORDERED)).containsExactly("before", "after");
    }

    @Test
    void a_failed_write_refuses_the_append_as_store_error_and_the_next_one_is_taken() throws Exception {
        open();
        files.failWrites(1);

        assertThat(append("failed")).isEqualTo("store-error");
        assertThat(append("next")).isNull();

        assertThat(payloads(takeAll())).containsExactly("next");
        assertThat(afterPowerCut(FaultyFiles.CutMode.DROP_ALL)).containsExactly("next");
    }
}
