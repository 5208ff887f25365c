package io.outpost.mqtt.bridge.flow;

import io.outpost.core.message.Message;
import io.outpost.mqtt.bridge.store.StoredRecord;
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
     * The message to write for an entry, just before each write: what {@link #pack} made, unless the payload depends
     * on the moment it is written (Sparkplug's sequence number).
     */
    default Message atWrite(InflightTable.Entry entry) {
        return entry.message;
    }
}
