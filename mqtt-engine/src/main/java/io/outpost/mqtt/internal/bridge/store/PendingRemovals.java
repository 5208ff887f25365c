package io.outpost.mqtt.internal.bridge.store;

import java.util.Arrays;

/**
 * Removed address ranges waiting for the journal, merged as they come: acknowledgements arrive mostly in order, so a
 * poll's readings acknowledged one by one become one entry, not one per reading. Guarded by the store index's lock;
 * the writer drains it.
 */
final class PendingRemovals {

    private long[] segments = new long[16];
    private int[] froms = new int[16];
    private int[] tos = new int[16];
    private int size;

    void add(long segment, int from, int to) {
        int last = size - 1;
        if (last >= 0 && segments[last] == segment && tos[last] == from) {
            tos[last] = to;
            return;
        }
        if (size == segments.length) {
            segments = Arrays.copyOf(segments, size * 2);
            froms = Arrays.copyOf(froms, size * 2);
            tos = Arrays.copyOf(tos, size * 2);
        }
        segments[size] = segment;
        froms[size] = from;
        tos[size] = to;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Hands every range to {@code journal} in order and empties. */
    void drainTo(StateJournal journal) {
        for (int i = 0; i < size; i++) {
            journal.removed(segments[i], froms[i], tos[i]);
        }
        size = 0;
    }
}
