package io.outpost.adapter.modbus.plan;

import io.outpost.adapter.modbus.config.ModbusPoint;
import io.outpost.core.config.PointConfig;

/** A point inside a planned request. */
public record ReadSlot(PointConfig config, ModbusPoint point) {

    public int first() {
        return point.offset();
    }

    public int last() {
        return point.lastOffset();
    }
}
