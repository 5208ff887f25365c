package io.outpost.adapter.modbus.sim;

import java.util.random.RandomGenerator;

/**
 * A small pump station for demos, laid out like the {@code tank-farm} device of {@code configs/example.yaml}:
 * the pump fills the tank up to the setpoint, stops, and starts again when the tank has drained to 2 m.
 *
 * <pre>
 * 40001-40002  level, float32 CDAB, metres (0-12)
 * 00001        pump command/state (coil; writable)
 * 10001        pump running (discrete input, follows the coil)
 * 40010.3      high-level alarm, bit 3 of holding register 10 (level above 11 m)
 * 30001        flow, uint16, 0.1 m3/h per count
 * 40020        setpoint (stop level), int16, 0.1 m per count; writable, default 7.5 m
 * 40030-40031  energy, uint32 CDAB, kWh, counts up while the pump runs
 * </pre>
 * Confined to the simulator's timer thread; writes by Modbus clients arrive through the unit's registers.
 */
final class DemoProcess {

    private static final double FILL_M_PER_S = 0.08;
    private static final double DRAIN_M_PER_S = 0.05;
    private static final double START_LEVEL_M = 2.0;
    private static final double ALARM_LEVEL_M = 11.0;
    private static final double PUMP_KW = 15.0;

    private final SimulatedUnit unit;
    private final RandomGenerator random;
    private double level = 5.0;
    private double energyKwh = 12_345;

    DemoProcess(SimulatedUnit unit, RandomGenerator random) {
        this.unit = unit;
        this.random = random;
        unit.setRegister(DataTable.HOLDING_REGISTER, 19, 75);
        unit.setBit(DataTable.COIL, 0, true);
        publish(true);
    }

    void step(double seconds) {
        boolean pump = unit.bit(DataTable.COIL, 0);
        double stopLevel = (short) unit.register(DataTable.HOLDING_REGISTER, 19) / 10.0;
        level = Math.max(0, Math.min(12, level + (pump ? FILL_M_PER_S : -DRAIN_M_PER_S) * seconds));
        if (pump && level >= stopLevel) {
            pump = false;
        } else if (!pump && level <= START_LEVEL_M) {
            pump = true;
        }
        if (pump) {
            energyKwh += PUMP_KW * seconds / 3600.0;
        }
        unit.setBit(DataTable.COIL, 0, pump);
        publish(pump);
    }

    private void publish(boolean pump) {
        int bits = Float.floatToIntBits((float) level);
        // CDAB: low word first.
        unit.setRegisters(DataTable.HOLDING_REGISTER, 0, bits & 0xFFFF, bits >>> 16);
        unit.setBit(DataTable.DISCRETE_INPUT, 0, pump);
        int status = unit.register(DataTable.HOLDING_REGISTER, 9);
        unit.setRegister(DataTable.HOLDING_REGISTER, 9, level > ALARM_LEVEL_M ? status | 0x8 : status & ~0x8);
        int flow = pump ? (int) Math.round(450 + random.nextGaussian() * 8) : 0;
        unit.setRegister(DataTable.INPUT_REGISTER, 0, Math.max(0, flow));
        long energy = (long) energyKwh;
        unit.setRegisters(DataTable.HOLDING_REGISTER, 29, (int) (energy & 0xFFFF), (int) (energy >>> 16));
    }
}
