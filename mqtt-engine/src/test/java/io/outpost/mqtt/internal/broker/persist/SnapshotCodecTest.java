package io.outpost.mqtt.internal.broker.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.UserProperty;
import io.outpost.mqtt.internal.broker.persist.SessionState.MessageState;
import io.outpost.mqtt.internal.broker.persist.SessionState.SubscriptionState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCodecTest {

    @TempDir
    Path dir;

    private static final Message FULL = Message.of(new MessageHeader("a/b", 2, true, new MessageProperties(
            List.of(new UserProperty("k", "v"), new UserProperty("k", "w")), 60L, "text/plain", "resp/x",
            new byte[] {1, 2}, true), "plc-7"), "payload".getBytes(StandardCharsets.UTF_8), 1_763_700_000_123L);

    private static final BrokerSnapshot SNAPSHOT = new BrokerSnapshot(List.of(FULL), List.of(new SessionState("hist",
            3600, 1_763_700_000_000L, List.of(new SubscriptionState("$share/g/a/#", 1, false, true, 1, 12)),
            List.of(new MessageState(FULL, 1, false, new int[] {12}, 7, false)),
            List.of(new MessageState(FULL, 2, true, new int[0], 0, false)), List.of(9, 65_535))));

    @Test
    void a_snapshot_reads_back_as_it_was_written() throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        store.save(SNAPSHOT);
        BrokerSnapshot back = store.load();
        Message m = back.retained().get(0);
        assertThat(m).usingRecursiveComparison().isEqualTo(FULL);
        SessionState s = back.sessions().get(0);
        assertThat(s).usingRecursiveComparison().isEqualTo(SNAPSHOT.sessions().get(0));
    }

    @Test
    void no_file_means_an_empty_snapshot() throws IOException {
        assertThat(new SnapshotStore(dir.resolve("none")).load()).isEqualTo(BrokerSnapshot.EMPTY);
    }

    @Test
    void damage_anywhere_is_detected() {
        byte[] bytes = SnapshotCodec.encode(SNAPSHOT);
        for (int i = 0; i < bytes.length; i += 7) {
            byte[] broken = bytes.clone();
            broken[i] ^= 0x01;
            assertThatThrownBy(() -> SnapshotCodec.decode(broken)).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> SnapshotCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(IOException.class);
    }
}
