package io.outpost.mqtt.internal.bridge.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.message.Message;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import io.outpost.core.testing.ManualScheduler;
import io.outpost.mqtt.bridge.config.PriorityClass;
import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import io.outpost.mqtt.bridge.config.StoreConfig;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import io.outpost.mqtt.internal.bridge.store.SegmentStore;
import io.outpost.mqtt.internal.bridge.store.StoreListener;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live lane over a real store: how much of a backlog one round of the sender reads. */
class LiveLaneTest {

    private static final long T0 = Instant.parse("2026-12-05T12:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void a_backlog_of_large_polls_is_read_a_share_per_round_not_all_at_once() throws Exception {
        StoreConfig config = new StoreConfig(64L << 20, null, SyncPolicy.GROUP_COMMIT, Duration.ofMillis(5),
                List.of(new PriorityClass(PriorityClass.DEFAULT_NAME, List.of(), 1, OverflowPolicy.DROP_OLDEST)));
        StoreListener listener = new StoreListener() {
            @Override
            public void readable() {
            }

            @Override
            public void dropped(String reason, long messages) {
            }
        };
        ManualScheduler time = new ManualScheduler(Instant.ofEpochMilli(T0));
        SegmentStore written = SegmentStore.open(dir, "test", config, listener, time.clock(), PayloadFormats.standard());
        try {
            // Ten polls of 1,000 readings each, all queued before the link came up: one record per poll.
            for (int poll = 0; poll < 10; poll++) {
                List<Queued> batch = new ArrayList<>();
                for (int p = 0; p < 1_000; p++) {
                    Message m = Readings.reading("site", "rtu" + poll, "p" + p, Value.of(p), DataType.INT32, T0);
                    batch.add(Queued.reading(0, m, "cloud/" + m.topic(), 1, null));
                }
                written.append(Queued.batch(written, batch)).get();
            }
        } finally {
            written.close();
        }
        // After a restart: the backlog is read back from the files, where a poll's record is skipped whole.
        SegmentStore store = SegmentStore.open(dir, "test", config, listener, time.clock(), PayloadFormats.standard());
        try {
            // The link came up after all of them were received.
            LiveLane lane = new LiveLane(store.cursor(0), System.currentTimeMillis() + 60_000);

            int rounds = 0;
            do {
                lane.newRound();
                assertThat(lane.peek()).as("nothing live to overtake with").isNull();
                rounds++;
            } while (lane.scanning() && rounds < 100);

            // 10,000 readings at 4,096 a round (a record is read whole, so a round may read a little more): three
            // rounds, the sender's thread free in between. One round that read everything would block it on disk
            // reads for as long as the backlog takes to read.
            assertThat(rounds).isEqualTo(3);
            assertThat(store.diskReads()).as("records read back").isEqualTo(10);
            lane.close();
        } finally {
            store.close();
        }
    }
}
