package io.outpost.adapter.modbus.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.adapter.modbus.config.ModbusConnection;
import io.outpost.adapter.modbus.config.Table;
import io.outpost.adapter.modbus.sim.DataTable;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.core.point.DataType;
import io.outpost.core.spi.DeviceException;
import io.outpost.testing.FreePorts;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ModbusProbeIT {

    private static ModbusProbe.Request request(int port, Table table, int index, int count, OptionalDouble expected) {
        return new ModbusProbe.Request(ModbusConnection.tcp("127.0.0.1", port), 1, table, index, count,
                Duration.ofSeconds(2), expected);
    }

    @Test
    void probe_float32InCdab_isFoundByItsKnownValue() throws Exception {
        try (ModbusSimulator sim = ModbusSimulator.builder().start()) {
            sim.unit().setRegisters(DataTable.HOLDING_REGISTER, 0, 0xE979, 0x42F6, 0x0000, 0x04D2);
            ProbeReport report = ModbusProbe.probe(request(sim.port(), Table.HOLDING_REGISTER, 0, 4, OptionalDouble.of(123.456)));
            assertThat(report.registers()).containsExactly(0xE979, 0x42F6, 0, 1234);
            assertThat(report.matches()).extracting(ProbeReport.Match::toString).containsExactly("float32 CDAB at 40001");
            String table = report.toTable();
            assertThat(table).contains("unit 1, holding registers 40001-40004 (index 0-3), 127.0.0.1:");
            assertThat(table).contains("0xE979").contains("123.456 *");
            assertThat(table).contains("ABCD/ABCDEFGH").contains("CDAB/GHEFCDAB");
            assertThat(table).endsWith("123.456 matches float32 CDAB at 40001" + System.lineSeparator());
        }
    }

    @Test
    void probe_listsEveryInterpretationThatMatches() throws Exception {
        try (ModbusSimulator sim = ModbusSimulator.builder().start()) {
            sim.unit().setRegisters(DataTable.INPUT_REGISTER, 10, 0x0000, 0x04D2);
            ProbeReport report = ModbusProbe.probe(request(sim.port(), Table.INPUT_REGISTER, 10, 2, OptionalDouble.of(1234)));
            assertThat(report.matches()).extracting(m -> m.type() + " " + m.order() + " " + m.reference())
                    .contains("int16 AB 30012", "uint16 AB 30012", "int32 ABCD 30011", "uint32 ABCD 30011");
            assertThat(report.matches()).noneMatch(m -> m.type() == DataType.FLOAT32);
        }
    }

    @Test
    void probe_coils_listsEachBit() throws Exception {
        try (ModbusSimulator sim = ModbusSimulator.builder().start()) {
            sim.unit().setBit(DataTable.COIL, 1, true);
            String table = ModbusProbe.probe(request(sim.port(), Table.COIL, 0, 3, OptionalDouble.empty())).toTable();
            assertThat(table).contains("00001    0 (off)").contains("00002    1 (on)").contains("00003    0 (off)");
        }
    }

    @Test
    void probe_deviceDown_failsWithTheReason() {
        int port = FreePorts.tcp();
        assertThatThrownBy(() -> ModbusProbe.probe(request(port, Table.HOLDING_REGISTER, 0, 1, OptionalDouble.empty())))
                .isInstanceOf(DeviceException.class)
                .satisfies(e -> assertThat(((DeviceException) e).reason()).isEqualTo("connect-refused"));
    }

    @Test
    void request_countOverTheProtocolLimit_isRefused() {
        assertThatThrownBy(() -> request(502, Table.HOLDING_REGISTER, 0, 126, OptionalDouble.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 125");
    }
}
