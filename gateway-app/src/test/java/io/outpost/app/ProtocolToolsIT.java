package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.adapter.modbus.sim.DataTable;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.adapter.opcua.sim.OpcUaSimulator;
import io.outpost.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The protocol helper commands (probe, browse, discover) as a user runs them, against the simulators. */
class ProtocolToolsIT {

    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    private Path config(String devices) throws Exception {
        Path file = dir.resolve("site.yaml");
        Files.writeString(file, "gateway: {id: gw, data-dir: ./data}\n" + devices);
        return file;
    }

    private String printed() {
        return console.all();
    }

    @Test
    void probe_shows_the_byte_order_that_gives_the_known_value() throws Exception {
        try (ModbusSimulator sim = ModbusSimulator.builder().port(0).start()) {
            int bits = Float.floatToIntBits(123.456f);
            sim.unit().setRegisters(DataTable.HOLDING_REGISTER, 0, bits & 0xFFFF, bits >>> 16); // CDAB: low word first
            Path file = config("""
                    devices:
                      - id: meter
                        protocol: modbus
                        connection: {host: 127.0.0.1, port: %d}
                        points: [{id: x, address: 40001, type: float32}]
                    """.formatted(sim.port()));

            int status = Main.run("probe", file.toString(), "meter", "--address", "40001", "--count", "2", "--expect", "123.456");

            assertThat(status).as(printed()).isZero();
            assertThat(printed()).contains("40001").contains("123.456 matches float32 CDAB at 40001");
        }
    }

    @Test
    void probe_of_an_unknown_device_names_the_modbus_devices() throws Exception {
        Path file = config("""
                devices:
                  - {id: meter, protocol: modbus, connection: {host: 127.0.0.1, port: 5020}, points: [{id: x, address: 40001, type: int16}]}
                """);

        assertThat(Main.run("probe", file.toString(), "metre", "--address", "40001")).isEqualTo(ExitCodes.INVALID);
        assertThat(printed()).contains("no device 'metre'").contains("[meter]");
    }

    @Test
    void browse_lists_the_simulator_nodes_and_emits_a_point_list() throws Exception {
        try (OpcUaSimulator sim = OpcUaSimulator.builder().port(FreePorts.tcp()).build().start()) {
            Path file = config("""
                    devices:
                      - id: boiler
                        protocol: opcua
                        connection:
                          endpoint: opc.tcp://127.0.0.1:%d/outpost
                          security-policy: none
                          security-mode: none
                        points: [{id: t, node: "i=2258", mode: poll}]
                    """.formatted(sim.port()));

            assertThat(Main.run("browse", file.toString(), "boiler")).as(printed()).isZero();
            assertThat(console.out()).contains("NODE ID").contains("Variable").contains("Boiler");

            console.reset();
            assertThat(Main.run("browse", file.toString(), "boiler", "--yaml")).as(printed()).isZero();
            assertThat(console.out()).contains("points:").contains("node:");
        }
    }

    @Test
    void discover_finds_a_device_through_a_bbmd_and_lists_its_objects() throws Exception {
        try (BacnetSimulator bbmd = BacnetSimulator.builder().instance(1001).port(FreePorts.udp()).bbmd().start()) {
            Path file = config("""
                    bacnet:
                      device-instance: 4194010
                      bind: 127.0.0.1
                      broadcast: 127.0.0.1
                      port: %d
                      bbmd: {address: 127.0.0.1, port: %d}
                    """.formatted(FreePorts.udp(), bbmd.port()));

            assertThat(Main.run("discover", file.toString(), "--objects", "--listen", "3s")).as(printed()).isZero();
            assertThat(console.out()).contains("1001").containsIgnoringCase("analog-input");
        }
    }

}
