package io.outpost.mqtt.internal.bridge.store;

import java.util.List;

/**
 * A consistent snapshot of what a store holds.
 *
 * @param messages       queued messages (in flight included), all classes
 * @param bytes          their size as stored
 * @param diskBytes      size of the store's segment files, what {@code max-bytes} bounds
 * @param classMessages  queued messages per class, in class order
 */
public record StoreStats(long messages, long bytes, long diskBytes, long maxBytes, List<Long> classMessages) {

    public StoreStats {
        classMessages = List.copyOf(classMessages);
    }
}
