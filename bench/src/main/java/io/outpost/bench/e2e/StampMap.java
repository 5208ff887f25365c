package io.outpost.bench.e2e;

import io.outpost.adapter.modbus.sim.DataTable;
import io.outpost.adapter.modbus.sim.SimulatedUnit;

/**
 * The register map of a benchmark device whose every point carries the time of its last change: the first half of
 * the points are uint32 holding registers (ABCD), the second half float32 input registers (CDAB, the word order
 * many PLCs use), each holding the milliseconds since the run's base time at which the simulator last changed it.
 * The subscriber at the cloud side subtracts that from the arrival time: end-to-end latency on one wall clock.
 *
 * <p>A float32 holds those milliseconds exactly for 2^24 ms (4.6 hours) after the base; later values are rounded,
 * which keeps them in order.
 */
public final class StampMap {

    private final int points;

    public StampMap(int points) {
        if (points < 1 || points > 250) {
            throw new IllegalArgumentException("points per device must be 1..250, found " + points);
        }
        this.points = points;
    }

    public int points() {
        return points;
    }

    /** Registers each table needs. */
    public int registers() {
        return 2 * ((points + 1) / 2);
    }

    private int uintPoints() {
        return (points + 1) / 2;
    }

    /** Point id {@code i}, as used in topics: {@code u007} for uint32 points, {@code f012} for float32 ones. */
    public String pointId(int i) {
        return (i < uintPoints() ? "u" : "f") + String.format("%03d", i);
    }

    /** The {@code points:} entries of one device, indented for a device entry of the gateway YAML. */
    public String pointsYaml(String indent) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < points; i++) {
            if (i < uintPoints()) {
                s.append(indent).append("- {id: ").append(pointId(i)).append(", table: holding, index: ")
                        .append(2 * i).append(", type: uint32}\n");
            } else {
                s.append(indent).append("- {id: ").append(pointId(i)).append(", table: input, index: ")
                        .append(2 * (i - uintPoints())).append(", type: float32, byte-order: CDAB}\n");
            }
        }
        return s.toString();
    }

    /**
     * Writes one change time into every point of a unit. The low word of the uint32 goes first: a read between the
     * two writes then sees the old or the new value unless the high word changes too (once every 65 s).
     */
    public void write(SimulatedUnit unit, long stampMillis) {
        int v = (int) stampMillis;
        int bits = Float.floatToIntBits((float) stampMillis);
        for (int i = 0; i < uintPoints(); i++) {
            unit.setRegister(DataTable.HOLDING_REGISTER, 2 * i + 1, v & 0xFFFF);
            unit.setRegister(DataTable.HOLDING_REGISTER, 2 * i, v >>> 16);
        }
        for (int i = 0; i < points - uintPoints(); i++) {
            unit.setRegisters(DataTable.INPUT_REGISTER, 2 * i, bits & 0xFFFF, bits >>> 16);
        }
    }
}
