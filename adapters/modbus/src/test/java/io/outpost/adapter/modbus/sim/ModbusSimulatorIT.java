package io.outpost.adapter.modbus.sim;

import static io.outpost.adapter.modbus.testing.ModbusConfigs.device;
import static io.outpost.adapter.modbus.testing.ModbusConfigs.tcpDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.adapter.modbus.config.Table;
import io.outpost.adapter.modbus.testing.AdapterRig;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModbusSimulatorIT {

    private static final String DEMO_POINTS = """
            - {id: level, address: 40001, type: float32, byte-order: CDAB}
            - {id: pump, address: 00001, writable: true}
            - {id: running, address: 10001}
            - {id: flow, address: 30001, type: uint16}
            - {id: setpoint, address: 40020, type: int16, writable: true}
            - {id: energy, address: 40030, type: uint32, byte-order: CDAB}
            """;

    @Test
    void demo_levelMovesWithThePumpAndTheSetpointIsWritable() throws Exception {
        try (ModbusSimulator sim = ModbusSimulator.builder().demo().start();
             AdapterRig rig = new AdapterRig(device(tcpDevice(sim.port(), "", DEMO_POINTS)))) {
            Map<String, Sample> first = rig.read();
            double level = first.get("level").value().asDouble();
            assertThat(level).isBetween(0.0, 12.0);
            assertThat(first.get("setpoint").value()).isEqualTo(Value.of(75L));
            assertThat(first.get("energy").value().asDouble()).isGreaterThanOrEqualTo(12_345);
            assertThat(first.get("running").value()).isEqualTo(first.get("pump").value());
            await().atMost(Duration.ofSeconds(30)).until(() -> rig.read().get("level").value().asDouble() != level);

            rig.write("pump", Value.of(true));
            await().atMost(Duration.ofSeconds(30)).until(() -> rig.read().get("flow").value().asDouble() > 300);
            rig.write("setpoint", Value.of(20L));
            await().atMost(Duration.ofSeconds(30)).until(() -> rig.read().get("pump").value().equals(Value.of(false)));
            assertThat(sim.unit().register(Table.HOLDING_REGISTER, 19)).isEqualTo(20);
        }
    }

    @Test
    void unitApi_setsAndReadsEveryTable() throws Exception {
        try (ModbusSimulator sim = ModbusSimulator.builder().unitIds(4, 5).size(50).start()) {
            SimulatedUnit u = sim.unit(5);
            u.setRegister(Table.INPUT_REGISTER, 49, 0xFFFF);
            u.setBit(Table.DISCRETE_INPUT, 0, true);
            assertThat(u.register(Table.INPUT_REGISTER, 49)).isEqualTo(0xFFFF);
            assertThat(u.bit(Table.DISCRETE_INPUT, 0)).isTrue();
            assertThat(sim.unit(4).bit(Table.DISCRETE_INPUT, 0)).isFalse();
            assertThat(sim.unit()).isSameAs(sim.unit(4));
        }
    }
}
