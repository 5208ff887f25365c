package io.outpost.adapter.modbus;

import static io.outpost.adapter.modbus.testing.ModbusConfigs.device;
import static io.outpost.adapter.modbus.testing.ModbusConfigs.indent;
import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.modbus.testing.AdapterRig;
import io.outpost.adapter.modbus.testing.KnownValues;
import io.outpost.adapter.modbus.testing.MisbehavingServer;
import io.outpost.adapter.modbus.testing.Pymodbus;
import io.outpost.adapter.modbus.testing.SerialPair;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.poll.SharedResources;
import io.outpost.core.spi.DeviceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import jssc.SerialPort;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Modbus RTU through jssc on a socat serial pair, against pymodbus's RTU slave and a misbehaving one. The pair is
 * 8N1: this machine's kernel refuses parity on pseudo-terminals (tcsetattr answers EINVAL).
 */
class RtuSerialIT {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPeers() {
        SerialPair.assumeInstalled();
        Pymodbus.assumeInstalled();
    }

    private static String rtuDevice(String id, Path port, int unit, String points) {
        return "  - id: " + id + "\n"
                + "    protocol: modbus\n"
                + "    timeout: 2s\n"
                + "    connection: {transport: rtu, serial-port: " + port + ", baud-rate: 19200, parity: none, "
                + "request-timeout: 400ms}\n"
                + "    unit-id: " + unit + "\n"
                + "    points:\n" + indent(points, 6);
    }

    /** The slave opens its end a moment after it says READY; the first reads may time out until then. */
    private static Map<String, Sample> firstRead(AdapterRig rig) {
        List<Map<String, Sample>> got = new ArrayList<>();
        Awaitility.await("a first answer over the serial pair").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> got.add(rig.read()));
        return got.get(0);
    }

    @Test
    void read_everyTypeInEveryOrder_overRtu() throws Exception {
        List<KnownValues.Case> cases = KnownValues.all();
        Pymodbus.Spec spec = new Pymodbus.Spec().units(5);
        for (int i = 0; i < cases.size(); i++) {
            KnownValues.Case c = cases.get(i);
            spec.value(5, 4 * i, c.type().configName(), c.order(), c.value().toString());
        }
        try (SerialPair pair = SerialPair.open(dir);
             Pymodbus slave = Pymodbus.rtu(dir, pair.b(), 19_200, 'N', spec);
             AdapterRig rig = new AdapterRig(device(rtuDevice("meter", pair.a(), 5, KnownValues.yamlPoints(cases, 0))))) {
            Map<String, Sample> read = firstRead(rig);
            assertThat(slave.process().isAlive()).isTrue();
            for (KnownValues.Case c : cases) {
                assertThat(read.get(KnownValues.id(c)).value()).as(KnownValues.id(c)).isEqualTo(c.value());
            }
        }
    }

    @Test
    void write_allFourFunctionCodes_overRtu() throws Exception {
        try (SerialPair pair = SerialPair.open(dir);
             Pymodbus slave = Pymodbus.rtu(dir, pair.b(), 19_200, 'N', new Pymodbus.Spec());
             AdapterRig single = new AdapterRig(device(rtuDevice("single", pair.a(), 1, """
                     - {id: coil, address: 00002, writable: true}
                     - {id: sp, address: 40011, type: uint16, writable: true}
                     """)));
             AdapterRig multiple = new AdapterRig(device(rtuDevice("multi", pair.a(), 1, """
                     - {id: coil, address: 00003, writable: true}
                     - {id: wide, address: 40012, type: int32, writable: true}
                     """).replace("    unit-id: 1\n", "    unit-id: 1\n    write-mode: multiple\n")), single.context.sharedResources())) {
            firstRead(single);
            single.write("coil", Value.of(true));
            slave.awaitWrite("SET co 1 1 1");
            single.write("sp", Value.of(500L));
            slave.awaitWrite("SET hr 1 10 500");
            multiple.write("coil", Value.of(true));
            slave.awaitWrite("SET co 1 2 1");
            multiple.write("wide", Value.of(-2L));
            slave.awaitWrite("SET hr 1 11 65535,65534");
        }
    }

    @Test
    void twoDevicesOnOneSerialLine_takeTurns() throws Exception {
        Pymodbus.Spec spec = new Pymodbus.Spec().units(1, 2).registers(1, "hr", 0, 111).registers(2, "hr", 0, 222);
        SharedResources shared = new SharedResources();
        try (SerialPair pair = SerialPair.open(dir);
             Pymodbus slave = Pymodbus.rtu(dir, pair.b(), 19_200, 'N', spec);
             AdapterRig one = new AdapterRig(device(rtuDevice("one", pair.a(), 1, "- {id: v, address: 40001, type: uint16}")), shared);
             AdapterRig two = new AdapterRig(device(rtuDevice("two", pair.a(), 2, "- {id: v, address: 40001, type: uint16}")), shared)) {
            firstRead(one);
            assertThat(slave.process().isAlive()).isTrue();
            assertThat(shared.users("modbus-serial:" + pair.a())).isEqualTo(2);
            List<CompletableFuture<List<Sample>>> reads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                reads.add(one.readAsync().toCompletableFuture());
                reads.add(two.readAsync().toCompletableFuture());
            }
            for (int i = 0; i < reads.size(); i++) {
                Sample s = AdapterRig.await(reads.get(i)).get(0);
                assertThat(s.value()).as("read %d", i).isEqualTo(Value.of(i % 2 == 0 ? 111L : 222L));
            }
        }
    }

    @Test
    void missingSlaveOnTheLine_timesOutAndTheOtherSlaveIsStillRead() throws Exception {
        SharedResources shared = new SharedResources();
        try (SerialPair pair = SerialPair.open(dir);
             Pymodbus slave = Pymodbus.rtu(dir, pair.b(), 19_200, 'N', new Pymodbus.Spec().registers(1, "hr", 0, 5));
             AdapterRig present = new AdapterRig(device(rtuDevice("present", pair.a(), 1, "- {id: v, address: 40001, type: uint16}")), shared);
             AdapterRig missing = new AdapterRig(device(rtuDevice("missing", pair.a(), 9, "- {id: v, address: 40001, type: uint16}")), shared)) {
            firstRead(present);
            assertThat(slave.process().isAlive()).isTrue();
            CompletableFuture<List<Sample>> lost = missing.readAsync().toCompletableFuture();
            assertThat(present.read().get("v").value()).isEqualTo(Value.of(5L));
            assertThat(lost).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .satisfies(e -> assertThat(((DeviceException) e.getCause()).reason()).isEqualTo("timeout"));
            assertThat(present.read().get("v").value()).isEqualTo(Value.of(5L));
        }
    }

    @Test
    void missingSerialPort_failsWithPortUnavailable() throws Exception {
        try (AdapterRig rig = new AdapterRig(device(rtuDevice("meter", dir.resolve("ttyUSB9"), 1,
                "- {id: v, address: 40001, type: uint16}")))) {
            assertThat(((DeviceException) rig.readFailure()).reason()).isEqualTo("port-unavailable");
        }
    }

    @Test
    void wrongCrcOnTheSerialLine_failsWithCrcErrorAndTheNextAnswerIsRead() throws Exception {
        try (SerialPair pair = SerialPair.open(dir);
             AdapterRig rig = new AdapterRig(device(rtuDevice("meter", pair.a(), 1, "- {id: v, address: 40001, type: uint16}")))) {
            SerialPort slave = new SerialPort(pair.b().toString());
            slave.openPort();
            try {
                CompletableFuture<List<Sample>> bad = rig.readAsync().toCompletableFuture();
                byte[] request = slave.readBytes(8, 10_000);
                slave.writeBytes(MisbehavingServer.rtuFrame(request[0], MisbehavingServer.registersPdu(3, 77), true));
                assertThat(bad).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .satisfies(e -> assertThat(((DeviceException) e.getCause()).reason()).isEqualTo("crc-error"));

                CompletableFuture<List<Sample>> good = rig.readAsync().toCompletableFuture();
                request = slave.readBytes(8, 10_000);
                slave.writeBytes(MisbehavingServer.rtuFrame(request[0], MisbehavingServer.registersPdu(3, 77), false));
                assertThat(AdapterRig.await(good).get(0).value()).isEqualTo(Value.of(77L));
            } finally {
                slave.closePort();
            }
        }
    }
}
