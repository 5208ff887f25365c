package io.outpost.adapter.modbus.plan;

import java.util.List;

/** The requests that read one batch of points, in the order they are sent. */
public record ReadPlan(List<ReadBlock> blocks, int version) {

    public ReadPlan {
        blocks = List.copyOf(blocks);
    }

    public int points() {
        return blocks.stream().mapToInt(b -> b.slots().size()).sum();
    }
}
