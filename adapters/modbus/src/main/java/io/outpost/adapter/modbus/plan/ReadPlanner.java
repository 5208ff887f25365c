package io.outpost.adapter.modbus.plan;

import io.outpost.adapter.modbus.config.AddressRange;
import io.outpost.adapter.modbus.config.ModbusDevice;
import io.outpost.adapter.modbus.config.ModbusPoint;
import io.outpost.adapter.modbus.config.Table;
import io.outpost.core.config.PointConfig;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans the fewest read requests for any subset of a device's points: per unit id and table, points sorted by
 * address are merged while the request stays within the device's limit (125 registers, 2,000 bits, or lower), the
 * unused addresses bridged stay within {@code max-gap}, no forbidden address is touched and no learned cut is
 * crossed. Greedy merging of address-sorted runs is optimal here: extending a request as far as the limits allow
 * never leaves more requests than any other grouping.
 *
 * <p>The core hands over whichever points are due; the same subsets come back poll after poll, so plans are
 * cached by subset (and dropped when a cut is learned). Confined to the thread of the device's line.
 */
public final class ReadPlanner {

    private static final int CACHE_SIZE = 64;
    private static final Comparator<ReadSlot> BY_RUN = Comparator
            .<ReadSlot>comparingInt(s -> s.point().unitId())
            .thenComparing(s -> s.point().table())
            .thenComparingInt(ReadSlot::first)
            .thenComparingInt(ReadSlot::last);

    private final ModbusDevice device;
    private final LearnedCuts cuts;
    private final Map<String, Integer> indexOf = new HashMap<>();
    private final Map<BitSet, ReadPlan> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BitSet, ReadPlan> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    public ReadPlanner(ModbusDevice device, List<PointConfig> allPoints, LearnedCuts cuts) {
        this.device = device;
        this.cuts = cuts;
        for (int i = 0; i < allPoints.size(); i++) {
            indexOf.put(allPoints.get(i).id(), i);
        }
    }

    public LearnedCuts cuts() {
        return cuts;
    }

    /** The requests for {@code points}; cached per subset. */
    public ReadPlan plan(List<PointConfig> points) {
        BitSet key = new BitSet(indexOf.size());
        for (PointConfig p : points) {
            Integer i = indexOf.get(p.id());
            if (i == null) {
                return build(points);
            }
            key.set(i);
        }
        ReadPlan cached = cache.get(key);
        if (cached != null && cached.version() == cuts.version()) {
            return cached;
        }
        ReadPlan plan = build(points);
        cache.put(key, plan);
        return plan;
    }

    private ReadPlan build(List<PointConfig> points) {
        List<ReadSlot> slots = new ArrayList<>(points.size());
        for (PointConfig p : points) {
            slots.add(new ReadSlot(p, p.settings(ModbusPoint.class)));
        }
        slots.sort(BY_RUN);
        List<ReadBlock> blocks = new ArrayList<>();
        List<ReadSlot> run = new ArrayList<>();
        int runStart = 0;
        int runEnd = -1;
        for (ReadSlot s : slots) {
            if (!run.isEmpty() && fits(run.get(0).point(), runStart, runEnd, s)) {
                run.add(s);
                runEnd = Math.max(runEnd, s.last());
                continue;
            }
            if (!run.isEmpty()) {
                blocks.add(ReadBlock.of(run.get(0).point().unitId(), run.get(0).point().table(), run));
            }
            run = new ArrayList<>();
            run.add(s);
            runStart = s.first();
            runEnd = s.last();
        }
        if (!run.isEmpty()) {
            blocks.add(ReadBlock.of(run.get(0).point().unitId(), run.get(0).point().table(), run));
        }
        return new ReadPlan(blocks, cuts.version());
    }

    /** Whether {@code next} may join the request {@code runStart..runEnd} started by {@code head}. */
    private boolean fits(ModbusPoint head, int runStart, int runEnd, ReadSlot next) {
        ModbusPoint p = next.point();
        if (p.unitId() != head.unitId() || p.table() != head.table()) {
            return false;
        }
        Table table = p.table();
        int newEnd = Math.max(runEnd, next.last());
        if (newEnd - runStart + 1 > device.limit(table)) {
            return false;
        }
        int gapFirst = runEnd + 1;
        int gapLast = next.first() - 1;
        if (gapLast - gapFirst + 1 > device.gap(table)) {
            return false;
        }
        if (gapLast >= gapFirst) {
            for (AddressRange r : device.forbidden()) {
                if (r.appliesTo(p.unitId(), table) && r.overlaps(gapFirst, gapLast)) {
                    return false;
                }
            }
        }
        return !cuts.crosses(p.unitId(), table, runStart, newEnd);
    }
}
