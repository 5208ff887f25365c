package io.outpost.mqtt.bridge.store;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Disjoint half-open ranges of addresses ({@code [from, to)}), merged as they are added. A segment keeps the
 * messages it no longer holds (acknowledged, dropped) this way, by address (see {@link RecordRef#address()}): acknowledgements come mostly in order, so a segment
 * with a million acknowledged records needs one range, not a million entries. Not thread-safe.
 */
final class RangeSet {

    private final TreeMap<Integer, Integer> ranges = new TreeMap<>();

    /** Adds {@code [from, to)}; returns false when it was already covered. */
    boolean add(int from, int to) {
        if (contains(from)) {
            return false;
        }
        int start = from;
        int end = to;
        Map.Entry<Integer, Integer> before = ranges.floorEntry(from);
        if (before != null && before.getValue() >= from) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
            ranges.remove(before.getKey());
        }
        Map.Entry<Integer, Integer> after = ranges.ceilingEntry(start);
        while (after != null && after.getKey() <= end) {
            end = Math.max(end, after.getValue());
            ranges.remove(after.getKey());
            after = ranges.ceilingEntry(start);
        }
        ranges.put(start, end);
        return true;
    }

    /** True when {@code [from, to)} lies inside one range. */
    boolean covers(int from, int to) {
        Map.Entry<Integer, Integer> e = ranges.floorEntry(from);
        return e != null && to <= e.getValue();
    }

    boolean contains(int offset) {
        Map.Entry<Integer, Integer> e = ranges.floorEntry(offset);
        return e != null && offset < e.getValue();
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    int size() {
        return ranges.size();
    }

    void forEach(BiConsumer<Integer, Integer> action) {
        ranges.forEach(action);
    }
}
