package io.outpost.adapter.modbus;

import static io.outpost.adapter.modbus.testing.ModbusConfigs.device;
import static io.outpost.adapter.modbus.testing.ModbusConfigs.tcpDevice;
import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.modbus.testing.AdapterRig;
import io.outpost.adapter.modbus.testing.KnownValues;
import io.outpost.adapter.modbus.testing.Pymodbus;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.DeviceException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter against pymodbus over Modbus TCP: an implementation independent of ours and of j2mod. */
class PymodbusIT {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPymodbus() {
        Pymodbus.assumeInstalled();
    }

    @Test
    void read_everyTypeInEveryOrderEncodedByPymodbus_givesTheValues() throws Exception {
        List<KnownValues.Case> cases = KnownValues.all();
        Pymodbus.Spec spec = new Pymodbus.Spec();
        for (int i = 0; i < cases.size(); i++) {
            KnownValues.Case c = cases.get(i);
            spec.value(1, 4 * i, c.type().configName(), c.order(), c.value().toString());
        }
        try (Pymodbus slave = Pymodbus.tcp(dir, spec);
             AdapterRig rig = new AdapterRig(device(tcpDevice(slave.port(), "", KnownValues.yamlPoints(cases, 0))))) {
            Map<String, Sample> read = rig.read();
            for (KnownValues.Case c : cases) {
                assertThat(read.get(KnownValues.id(c)).value()).as(KnownValues.id(c)).isEqualTo(c.value());
            }
        }
    }

    @Test
    void read_bitsInputsAndStrings_giveTheirValues() throws Exception {
        Pymodbus.Spec spec = new Pymodbus.Spec()
                .bits(1, "co", 0, true, false, true)
                .bits(1, "di", 7, true)
                .registers(1, "ir", 4, 0x8000)
                .registers(1, "hr", 9, 0b1000)
                .registers(1, "hr", 100, 0x5055, 0x4D50, 0x2D37);
        try (Pymodbus slave = Pymodbus.tcp(dir, spec);
             AdapterRig rig = new AdapterRig(device(tcpDevice(slave.port(), "", """
                     - {id: c0, address: 00001}
                     - {id: c1, address: 00002}
                     - {id: c2, address: 00003}
                     - {id: d7, address: 10008}
                     - {id: ir, address: 30005, type: int16}
                     - {id: alarm, address: 40010.3}
                     - {id: tag, address: 40101, type: string, length: 6}
                     """)))) {
            Map<String, Sample> read = rig.read();
            assertThat(read.get("c0").value()).isEqualTo(Value.of(true));
            assertThat(read.get("c1").value()).isEqualTo(Value.of(false));
            assertThat(read.get("c2").value()).isEqualTo(Value.of(true));
            assertThat(read.get("d7").value()).isEqualTo(Value.of(true));
            assertThat(read.get("ir").value()).isEqualTo(Value.of(-32_768L));
            assertThat(read.get("alarm").value()).isEqualTo(Value.of(true));
            assertThat(read.get("tag").value()).isEqualTo(Value.of("PUMP-7"));
        }
    }

    @Test
    void write_allFourFunctionCodes_reachPymodbus() throws Exception {
        try (Pymodbus slave = Pymodbus.tcp(dir, new Pymodbus.Spec());
             AdapterRig single = new AdapterRig(device(tcpDevice(slave.port(), "", """
                     - {id: coil, address: 00004, writable: true}
                     - {id: sp, address: 40020, type: int16, writable: true}
                     - {id: limit, address: 40030, type: float32, byte-order: CDAB, writable: true}
                     """)));
             AdapterRig multiple = new AdapterRig(device(tcpDevice(slave.port(), "write-mode: multiple", """
                     - {id: coil, address: 00005, writable: true}
                     - {id: sp, address: 40021, type: uint16, writable: true}
                     """)))) {
            single.write("coil", Value.of(true));
            slave.awaitWrite("SET co 1 3 1");
            single.write("sp", Value.of(-75L));
            slave.awaitWrite("SET hr 1 19 65461");
            single.write("limit", Value.of(123.456));
            int bits = Float.floatToIntBits(123.456f);
            slave.awaitWrite("SET hr 1 29 " + (bits & 0xFFFF) + "," + (bits >>> 16));
            multiple.write("coil", Value.of(true));
            slave.awaitWrite("SET co 1 4 1");
            multiple.write("sp", Value.of(4321L));
            slave.awaitWrite("SET hr 1 20 4321");
            assertThat(single.read("sp").get("sp").value()).isEqualTo(Value.of(-75L));
        }
    }

    @Test
    void read_mergedRequestPastTheEndOfTheMap_splitsAndReadsWhatExists() throws Exception {
        try (Pymodbus slave = Pymodbus.tcp(dir, new Pymodbus.Spec().registers(1, "hr", 990, 42));
             AdapterRig rig = new AdapterRig(device(tcpDevice(slave.port(), "", """
                     - {id: last, address: 40991, type: uint16}
                     - {id: beyond, address: 41002, type: uint16}
                     """)))) {
            Map<String, Sample> read = rig.read();
            assertThat(read.get("last").value()).isEqualTo(Value.of(42L));
            assertThat(read.get("beyond").quality()).isEqualTo(Quality.bad("device-exception:02"));
            long before = rig.requestsSent();
            rig.read();
            assertThat(rig.requestsSent() - before).as("learned: two requests from now on").isEqualTo(2);
        }
    }

    @Test
    void read_afterPymodbusRestarts_reconnects() throws Exception {
        Pymodbus slave = Pymodbus.tcp(dir, new Pymodbus.Spec().registers(1, "hr", 0, 7));
        int port = slave.port();
        try (AdapterRig rig = new AdapterRig(device(tcpDevice(port, "", "- {id: a, address: 40001, type: uint16}")))) {
            assertThat(rig.read().get("a").value()).isEqualTo(Value.of(7L));
            slave.process().kill();
            assertThat(((DeviceException) rig.readFailure()).reason()).isIn("connect-refused", "comm-lost");
            slave = Pymodbus.tcpOnPort(dir, port, new Pymodbus.Spec().registers(1, "hr", 0, 8));
            assertThat(rig.read().get("a").value()).isEqualTo(Value.of(8L));
        } finally {
            slave.close();
        }
    }
}
