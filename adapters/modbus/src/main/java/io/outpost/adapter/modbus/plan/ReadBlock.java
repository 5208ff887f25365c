package io.outpost.adapter.modbus.plan;

import io.outpost.adapter.modbus.codec.ModbusPdu;
import io.outpost.adapter.modbus.config.Table;
import java.util.List;

/**
 * One read request: a contiguous run of one table of one unit, and the points it delivers (sorted by address).
 * Immutable; plans are cached and shared between reads.
 */
public record ReadBlock(int unitId, Table table, int start, int count, List<ReadSlot> slots, byte[] pdu) {

    public ReadBlock {
        slots = List.copyOf(slots);
    }

    public static ReadBlock of(int unitId, Table table, List<ReadSlot> slots) {
        int start = Integer.MAX_VALUE;
        int end = -1;
        for (ReadSlot s : slots) {
            start = Math.min(start, s.first());
            end = Math.max(end, s.last());
        }
        int count = end - start + 1;
        return new ReadBlock(unitId, table, start, count, slots, ModbusPdu.read(table, start, count));
    }

    public int end() {
        return start + count - 1;
    }

    /**
     * Where this block can be cut in two without splitting a point: the index of the first slot of the right part
     * closest to the middle, or -1 when every point shares addresses with its neighbours.
     */
    public int splitIndex() {
        int best = -1;
        int reach = slots.get(0).last();
        int middle = slots.size() / 2;
        for (int i = 1; i < slots.size(); i++) {
            if (slots.get(i).first() > reach && (best < 0 || Math.abs(i - middle) < Math.abs(best - middle))) {
                best = i;
            }
            reach = Math.max(reach, slots.get(i).last());
        }
        return best;
    }

    @Override
    public String toString() {
        return "unit " + unitId + " " + table.reference(start) + "+" + count + " (" + slots.size() + " points)";
    }
}
