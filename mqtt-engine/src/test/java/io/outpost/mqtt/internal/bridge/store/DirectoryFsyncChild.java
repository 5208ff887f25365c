package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.PayloadFormats;
import io.outpost.mqtt.bridge.config.PriorityClass;
import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import io.outpost.mqtt.bridge.config.StoreConfig;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Run by {@link DirectoryFsyncIT} under strace: opens a store in a fresh directory, appends one message, closes. */
public final class DirectoryFsyncChild {

    private DirectoryFsyncChild() {
    }

    public static void main(String[] args) throws Exception {
        StoreConfig config = new StoreConfig(1 << 20, null, SyncPolicy.EVERY_MESSAGE, Duration.ofMillis(5),
                List.of(new PriorityClass(PriorityClass.DEFAULT_NAME, List.of(), 1, OverflowPolicy.DROP_OLDEST)));
        SegmentStore store = SegmentStore.open(Path.of(args[0]), "fsync", config, new StoreListener() {
            @Override
            public void readable() {
            }

            @Override
            public void dropped(String reason, long messages) {
            }
        }, Clock.systemUTC(), PayloadFormats.standard());
        store.append(Queued.of(0, "t", "x".getBytes(StandardCharsets.UTF_8), 1, 0).batch(store)).get();
        store.close();
    }
}
