package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.message.Message;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.util.List;

/**
 * Turns packed records into the message that goes on the wire. Called on the upstream's thread.
 */
public interface Packer {

    /**
     * The message {@code records} (of one batch key, in queue order) go out as.
     *
     * @param history the records were queued before the link came up (a replayed backlog)
     */
    Message pack(List<StoredRecord> records, boolean history);

    /**
     * The message to write for an in-flight entry, just before each write: what {@link #pack} made ({@code packed},
     * or what the last call returned), unless the payload depends on the moment it is written (Sparkplug's sequence
     * number).
     *
     * @param records the entry's records, in queue order
     * @param history the entry carries records queued before the link came up
     */
    default Message atWrite(Message packed, List<StoredRecord> records, boolean history) {
        return packed;
    }
}
