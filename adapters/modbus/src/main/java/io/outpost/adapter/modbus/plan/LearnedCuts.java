package io.outpost.adapter.modbus.plan;

import io.outpost.adapter.modbus.config.Table;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * What a device taught the planner: addresses no request may span. A cut at {@code c} means no request reads both
 * {@code c - 1} and {@code c}. Learned when a merged request was refused (exception 02/03) or timed out while its
 * parts were read fine; kept for the life of the adapter (a device's memory map does not change while it runs).
 * Confined to the line's thread.
 */
public final class LearnedCuts {

    private final Map<Long, NavigableSet<Integer>> cuts = new HashMap<>();
    private int version;

    /** Adds a cut; returns true when it is new. */
    public boolean add(int unitId, Table table, int address) {
        if (address <= 0 || address > 65_535) {
            return false;
        }
        boolean added = cuts.computeIfAbsent(key(unitId, table), k -> new TreeSet<>()).add(address);
        if (added) {
            version++;
        }
        return added;
    }

    /** True when a request from {@code first} to {@code last} would cross a cut. */
    public boolean crosses(int unitId, Table table, int first, int last) {
        NavigableSet<Integer> set = cuts.get(key(unitId, table));
        if (set == null) {
            return false;
        }
        Integer c = set.higher(first);
        return c != null && c <= last;
    }

    /** Changes whenever a cut is added, so cached plans know they are out of date. */
    public int version() {
        return version;
    }

    public int size() {
        return cuts.values().stream().mapToInt(NavigableSet::size).sum();
    }

    private static long key(int unitId, Table table) {
        return ((long) unitId << 8) | table.ordinal();
    }
}
