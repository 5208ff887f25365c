package io.outpost.adapter.modbus.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The simulator seen from the wire, through j2mod's master: the demo's pump station (the layout of
 * {@code configs/example.yaml}'s tank farm) and the memory API of the units.
 */
class ModbusSimulatorIT {

    private static final int UNIT = 1;

    @Test
    void demo_levelMovesWithThePumpAndTheSetpointIsWritable() throws Exception {
        try (ModbusSimulator sim = ModbusSimulator.builder().demo().start();
             PumpStation station = new PumpStation(sim.port())) {
            double level = station.level();
            assertThat(level).isBetween(0.0, 12.0);
            assertThat(station.setpoint()).isEqualTo(75);
            assertThat(station.energy()).isGreaterThanOrEqualTo(12_345);
            assertThat(station.running()).isEqualTo(station.pump());
            await().atMost(Duration.ofSeconds(30)).until(() -> station.level() != level);

            station.master.writeCoil(UNIT, 0, true);
            await().atMost(Duration.ofSeconds(30)).until(() -> station.flow() > 300);
            station.master.writeSingleRegister(UNIT, 19, new SimpleRegister(20));
            await().atMost(Duration.ofSeconds(30)).until(() -> !station.pump());
            assertThat(sim.unit().register(DataTable.HOLDING_REGISTER, 19)).isEqualTo(20);
        }
    }

    @Test
    void unitApi_setsAndReadsEveryTable() throws Exception {
        try (ModbusSimulator sim = ModbusSimulator.builder().unitIds(4, 5).size(50).start()) {
            SimulatedUnit u = sim.unit(5);
            u.setRegister(DataTable.INPUT_REGISTER, 49, 0xFFFF);
            u.setBit(DataTable.DISCRETE_INPUT, 0, true);
            assertThat(u.register(DataTable.INPUT_REGISTER, 49)).isEqualTo(0xFFFF);
            assertThat(u.bit(DataTable.DISCRETE_INPUT, 0)).isTrue();
            assertThat(sim.unit(4).bit(DataTable.DISCRETE_INPUT, 0)).isFalse();
            assertThat(sim.unit()).isSameAs(sim.unit(4));
        }
    }

    /** The demo's points as a Modbus client reads them (unit 1, 0-based offsets, CDAB: low word first). */
    private static final class PumpStation implements AutoCloseable {
        final ModbusTCPMaster master;

        PumpStation(int port) throws Exception {
            master = new ModbusTCPMaster("127.0.0.1", port);
            master.connect();
        }

        /** 40001-40002, float32 CDAB, metres. */
        double level() throws ModbusException {
            Register[] r = master.readMultipleRegisters(UNIT, 0, 2);
            return Float.intBitsToFloat(r[1].toUnsignedShort() << 16 | r[0].toUnsignedShort());
        }

        /** 00001, the pump command. */
        boolean pump() throws ModbusException {
            return master.readCoils(UNIT, 0, 1).getBit(0);
        }

        /** 10001, pump running. */
        boolean running() throws ModbusException {
            return master.readInputDiscretes(UNIT, 0, 1).getBit(0);
        }

        /** 30001, flow, uint16. */
        int flow() throws ModbusException {
            return master.readInputRegisters(UNIT, 0, 1)[0].toUnsignedShort();
        }

        /** 40020, int16, 0.1 m per count. */
        int setpoint() throws ModbusException {
            return (short) master.readMultipleRegisters(UNIT, 19, 1)[0].toUnsignedShort();
        }

        /** 40030-40031, uint32 CDAB, kWh. */
        long energy() throws ModbusException {
            Register[] r = master.readMultipleRegisters(UNIT, 29, 2);
            return (long) r[1].toUnsignedShort() << 16 | r[0].toUnsignedShort();
        }

        @Override
        public void close() {
            master.disconnect();
        }
    }
}
