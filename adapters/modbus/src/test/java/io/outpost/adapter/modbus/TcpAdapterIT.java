package io.outpost.adapter.modbus;

import static io.outpost.adapter.modbus.testing.ModbusConfigs.device;
import static io.outpost.adapter.modbus.testing.ModbusConfigs.tcpDevice;
import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.modbus.codec.ModbusPdu;
import io.outpost.adapter.modbus.sim.DataTable;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.adapter.modbus.sim.SimulatedUnit;
import io.outpost.adapter.modbus.testing.AdapterRig;
import io.outpost.adapter.modbus.testing.KnownValues;
import io.outpost.adapter.modbus.testing.RegisterMaps;
import io.outpost.adapter.modbus.testing.SimulatorProcess;
import io.outpost.adapter.modbus.testing.SpyProxy;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.poll.SharedResources;
import io.outpost.core.spi.DeviceException;
import io.outpost.core.spi.DeviceStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter against j2mod's Modbus TCP slave (the simulator) on loopback. */
class TcpAdapterIT {

    private ModbusSimulator sim;
    private SimulatedUnit unit;

    @BeforeEach
    void startSlave() throws Exception {
        sim = ModbusSimulator.builder().unitIds(1, 2).start();
        unit = sim.unit(1);
    }

    @AfterEach
    void stopSlave() {
        sim.close();
    }

    private AdapterRig rig(String deviceKeys, String points) {
        return new AdapterRig(device(tcpDevice(sim.port(), deviceKeys, points)));
    }

    @Test
    void read_everyTypeInEveryOrder_givesTheKnownValues() throws Exception {
        List<KnownValues.Case> cases = KnownValues.all();
        for (int i = 0; i < cases.size(); i++) {
            unit.setRegisters(DataTable.HOLDING_REGISTER, 4 * i, cases.get(i).words());
        }
        try (AdapterRig rig = rig("", KnownValues.yamlPoints(cases, 0))) {
            Map<String, Sample> read = rig.read();
            for (KnownValues.Case c : cases) {
                assertThat(read.get(KnownValues.id(c)).value()).as(KnownValues.id(c)).isEqualTo(c.value());
            }
            assertThat(rig.requestsSent()).as("all %d values in one request", cases.size()).isEqualTo(1);
        }
    }

    @Test
    void read_bitsStringsAndEveryTable_giveTheirValues() throws Exception {
        unit.setBit(DataTable.COIL, 4, true);
        unit.setBit(DataTable.DISCRETE_INPUT, 9, true);
        unit.setRegister(DataTable.INPUT_REGISTER, 2, 0x8001);
        unit.setRegister(DataTable.HOLDING_REGISTER, 9, 0b1000);
        unit.setRegisters(DataTable.HOLDING_REGISTER, 100, 0x5055, 0x4D50, 0x2D37, 0x2000);
        try (AdapterRig rig = rig("", """
                - {id: coil, address: 00005}
                - {id: coil-off, address: 00006}
                - {id: input, address: 10010}
                - {id: ireg, address: 30003, type: int16}
                - {id: alarm, address: 40010.3}
                - {id: other-bit, address: 40010.4}
                - {id: tag, address: 40101, type: string, length: 8}
                """)) {
            Map<String, Sample> read = rig.read();
            assertThat(read.get("coil").value()).isEqualTo(Value.of(true));
            assertThat(read.get("coil-off").value()).isEqualTo(Value.of(false));
            assertThat(read.get("input").value()).isEqualTo(Value.of(true));
            assertThat(read.get("ireg").value()).isEqualTo(Value.of(-32_767L));
            assertThat(read.get("alarm").value()).isEqualTo(Value.of(true));
            assertThat(read.get("other-bit").value()).isEqualTo(Value.of(false));
            assertThat(read.get("tag").value()).isEqualTo(Value.of("PUMP-7"));
        }
    }

    @Test
    void read_typicalMap_usesOneRequestPerTableInsteadOfOnePerPoint() throws Exception {
        try (AdapterRig rig = rig("", RegisterMaps.TYPICAL)) {
            rig.read();
            assertThat(unit.requests()).as("requests the slave served for 13 points").isEqualTo(4);
            rig.read();
            assertThat(unit.requests()).isEqualTo(8);
        }
    }

    @Test
    void read_unitIdPerPoint_readsThatUnitsMemory() throws Exception {
        unit.setRegister(DataTable.HOLDING_REGISTER, 0, 111);
        sim.unit(2).setRegister(DataTable.HOLDING_REGISTER, 0, 222);
        try (AdapterRig rig = rig("unit-id: 1", """
                - {id: one, address: 40001, type: uint16}
                - {id: two, address: 40001, type: uint16, unit-id: 2}
                """)) {
            Map<String, Sample> read = rig.read();
            assertThat(read.get("one").value()).isEqualTo(Value.of(111L));
            assertThat(read.get("two").value()).isEqualTo(Value.of(222L));
        }
    }

    @Test
    void read_deviceRefusingOnePointsAddress_splitsLearnsAndReadsTheRest() throws Exception {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            unit.setRegister(DataTable.HOLDING_REGISTER, 5 * i, 1000 + i);
            points.append("- {id: p").append(i).append(", table: holding, index: ").append(5 * i).append(", type: uint16}\n");
        }
        unit.refuse(DataTable.HOLDING_REGISTER, 35, 35);
        try (AdapterRig rig = rig("", points.toString())) {
            Map<String, Sample> first = rig.read();
            assertThat(first.get("p7").quality()).isEqualTo(Quality.bad("device-exception:02"));
            for (int i = 0; i < 20; i++) {
                if (i != 7) {
                    assertThat(first.get("p" + i).value()).as("p" + i).isEqualTo(Value.of(1000L + i));
                }
            }
            long learning = unit.requests();
            assertThat(learning).as("a few extra requests while learning").isBetween(3L, 12L);

            Map<String, Sample> second = rig.read();
            assertThat(unit.requests() - learning).as("before the hole, the hole, after it").isEqualTo(3);
            assertThat(second.get("p7").quality().reason()).isEqualTo("device-exception:02");
            assertThat(second.get("p19").value()).isEqualTo(Value.of(1019L));
        }
    }

    @Test
    void read_deviceRefusingAnAddressInAGap_learnsNotToBridgeIt() throws Exception {
        unit.setRegister(DataTable.HOLDING_REGISTER, 0, 1);
        unit.setRegister(DataTable.HOLDING_REGISTER, 8, 2);
        unit.setRegister(DataTable.HOLDING_REGISTER, 16, 3);
        unit.refuse(DataTable.HOLDING_REGISTER, 12, 12);
        try (AdapterRig rig = rig("", """
                - {id: a, address: 40001, type: uint16}
                - {id: b, address: 40009, type: uint16}
                - {id: c, address: 40017, type: uint16}
                """)) {
            Map<String, Sample> first = rig.read();
            assertThat(first.values()).allSatisfy(s -> assertThat(s.quality()).isEqualTo(Quality.GOOD));
            long before = unit.requests();
            Map<String, Sample> second = rig.read();
            assertThat(unit.requests() - before).isEqualTo(2);
            assertThat(second.get("c").value()).isEqualTo(Value.of(3L));
        }
    }

    @Test
    void read_addressTheDeviceDoesNotHave_marksOnlyThatPointWithTheExceptionCode() throws Exception {
        unit.setRegister(DataTable.HOLDING_REGISTER, 0, 7);
        try (AdapterRig rig = rig("", """
                - {id: there, address: 40001, type: uint16}
                - {id: missing, address: 45001, type: uint16}
                """)) {
            Map<String, Sample> read = rig.read();
            assertThat(read.get("there").value()).isEqualTo(Value.of(7L));
            assertThat(read.get("missing").quality()).isEqualTo(Quality.bad("device-exception:02"));
        }
    }

    @Test
    void write_usesFunctionCodes5And6ForSingleValuesAnd16ForWideOnes() throws Exception {
        try (SpyProxy spy = new SpyProxy(sim.port());
             AdapterRig rig = new AdapterRig(device(tcpDevice(spy.port(), "", """
                     - {id: pump, address: 00003, writable: true}
                     - {id: setpoint, address: 40020, type: int16, writable: true}
                     - {id: limit, address: 40030, type: float32, byte-order: CDAB, writable: true}
                     - {id: name, address: 40040, type: string, length: 4, writable: true}
                     """)))) {
            rig.write("pump", Value.of(true));
            rig.write("setpoint", Value.of(-75L));
            rig.write("limit", Value.of(123.456));
            rig.write("name", Value.of("AB"));
            assertThat(spy.functions()).containsExactly(ModbusPdu.WRITE_SINGLE_COIL, ModbusPdu.WRITE_SINGLE_REGISTER,
                    ModbusPdu.WRITE_MULTIPLE_REGISTERS, ModbusPdu.WRITE_MULTIPLE_REGISTERS);
            assertThat(unit.bit(DataTable.COIL, 2)).isTrue();
            assertThat((short) unit.register(DataTable.HOLDING_REGISTER, 19)).isEqualTo((short) -75);
            int bits = Float.floatToIntBits(123.456f);
            assertThat(unit.register(DataTable.HOLDING_REGISTER, 29)).isEqualTo(bits & 0xFFFF);
            assertThat(unit.register(DataTable.HOLDING_REGISTER, 30)).isEqualTo(bits >>> 16);
            assertThat(unit.register(DataTable.HOLDING_REGISTER, 39)).isEqualTo(0x4142);
            assertThat(unit.register(DataTable.HOLDING_REGISTER, 40)).isZero();
        }
    }

    @Test
    void write_multipleMode_usesFunctionCodes15And16() throws Exception {
        try (SpyProxy spy = new SpyProxy(sim.port());
             AdapterRig rig = new AdapterRig(device(tcpDevice(spy.port(), "write-mode: multiple", """
                     - {id: pump, address: 00003, writable: true}
                     - {id: setpoint, address: 40020, type: uint16, writable: true}
                     """)))) {
            rig.write("pump", Value.of(true));
            rig.write("setpoint", Value.of(65_000L));
            assertThat(spy.functions()).containsExactly(ModbusPdu.WRITE_MULTIPLE_COILS, ModbusPdu.WRITE_MULTIPLE_REGISTERS);
            assertThat(unit.bit(DataTable.COIL, 2)).isTrue();
            assertThat(unit.register(DataTable.HOLDING_REGISTER, 19)).isEqualTo(65_000);
        }
    }

    @Test
    void write_bitOfRegister_changesOnlyThatBit() throws Exception {
        unit.setRegister(DataTable.HOLDING_REGISTER, 9, 0b1010_0000_0000_0001);
        try (AdapterRig rig = rig("", "- {id: flag, address: 40010.3, writable: true}")) {
            rig.write("flag", Value.of(true));
            assertThat(unit.register(DataTable.HOLDING_REGISTER, 9)).isEqualTo(0b1010_0000_0000_1001);
            rig.write("flag", Value.of(false));
            assertThat(unit.register(DataTable.HOLDING_REGISTER, 9)).isEqualTo(0b1010_0000_0000_0001);
        }
    }

    @Test
    void write_refusedByTheDevice_failsWithTheExceptionCode() throws Exception {
        unit.refuse(DataTable.HOLDING_REGISTER, 19, 19);
        try (AdapterRig rig = rig("", "- {id: setpoint, address: 40020, type: int16, writable: true}")) {
            Throwable failure = rig.writeFailure("setpoint", Value.of(5L));
            assertThat(failure).isInstanceOf(DeviceException.class);
            assertThat(((DeviceException) failure).reason()).isEqualTo("device-exception:02");
        }
    }

    @Test
    void read_slaveAnswersLate_timesOutAndTheLateAnswerIsNotTakenForTheNextOne() throws Exception {
        unit.setRegister(DataTable.HOLDING_REGISTER, 0, 111);
        unit.setRegister(DataTable.HOLDING_REGISTER, 50, 222);
        try (AdapterRig rig = rig("", """
                - {id: a, address: 40001, type: uint16}
                - {id: b, address: 40051, type: uint16}
                """)) {
            unit.delayAnswers(900, TimeUnit.MILLISECONDS);
            Throwable failure = rig.readFailure("a");
            assertThat(((DeviceException) failure).reason()).isEqualTo("timeout");
            unit.delayAnswers(0, TimeUnit.MILLISECONDS);
            // The late answer (111) arrives while this read waits; it must be dropped, not read as b.
            for (int i = 0; i < 3; i++) {
                assertThat(rig.read("b").get("b").value()).isEqualTo(Value.of(222L));
            }
            assertThat(rig.read("a").get("a").value()).isEqualTo(Value.of(111L));
        }
    }

    @Test
    void read_afterTheSlaveProcessRestarts_reconnects() throws Exception {
        int port = FreePorts.tcp();
        ExternalProcess slave = SimulatorProcess.simulator(port);
        try (AdapterRig rig = new AdapterRig(device(tcpDevice(port, "", "- {id: sp, address: 40020, type: int16}")))) {
            assertThat(rig.read().get("sp").value()).as("the demo's setpoint").isEqualTo(Value.of(75L));
            slave.kill();
            Throwable down = rig.readFailure();
            assertThat(((DeviceException) down).reason()).isIn("connect-refused", "comm-lost");
            slave = SimulatorProcess.simulator(port);
            assertThat(rig.read().get("sp").value()).isEqualTo(Value.of(75L));
        } finally {
            slave.kill();
        }
    }

    @Test
    void read_connectionRefused_failsTheReadWithTheReason() throws Exception {
        int port = FreePorts.tcp();
        try (AdapterRig rig = new AdapterRig(device(tcpDevice(port, "", "- {id: a, address: 40001, type: uint16}")))) {
            Throwable failure = rig.readFailure();
            assertThat(((DeviceException) failure).reason()).isEqualTo("connect-refused");
        }
    }

    @Test
    void write_toADeviceThatIsDown_failsWithTheReasonAndReportsItOffline() throws Exception {
        int port = FreePorts.tcp();
        try (AdapterRig rig = new AdapterRig(device(tcpDevice(port, "", "- {id: sp, address: 40020, type: int16, writable: true}")))) {
            Throwable failure = rig.writeFailure("sp", Value.of(1L));
            assertThat(((DeviceException) failure).reason()).isEqualTo("connect-refused");
            assertThat(rig.context.statuses()).singleElement().satisfies(s -> {
                assertThat(s.state()).isEqualTo(DeviceStatus.State.OFFLINE);
                assertThat(s.reason()).isEqualTo("connect-refused");
            });
        }
    }

    @Test
    void deadDevice_doesNotHoldUpAnother() throws Exception {
        try (ModbusSimulator dead = ModbusSimulator.builder().start();
             AdapterRig slow = new AdapterRig(device(tcpDevice(dead.port(), "", "- {id: a, address: 40001, type: uint16}")
                     .replace("request-timeout: 500ms", "request-timeout: 8s").replace("timeout: 2s", "timeout: 10s")));
             AdapterRig healthy = rig("", "- {id: a, address: 40001, type: uint16}")) {
            dead.unit().delayAnswers(9, TimeUnit.SECONDS);
            unit.setRegister(DataTable.HOLDING_REGISTER, 0, 9);
            CompletableFuture<List<Sample>> stuck = slow.readAsync().toCompletableFuture();
            for (int i = 0; i < 20; i++) {
                assertThat(healthy.read().get("a").value()).isEqualTo(Value.of(9L));
            }
            assertThat(stuck).as("the dead device's read is still waiting").isNotDone();
        }
    }

    @Test
    void write_queuedBehindALongRead_goesBeforeTheReadsRemainingRequests() throws Exception {
        StringBuilder points = new StringBuilder("- {id: sp, address: 40900, type: uint16, writable: true}\n");
        for (int i = 0; i < 8; i++) {
            points.append("- {id: p").append(i).append(", table: holding, index: ").append(100 * i).append(", type: uint16}\n");
        }
        try (AdapterRig rig = rig("max-gap: 0", points.toString())) {
            unit.delayAnswers(300, TimeUnit.MILLISECONDS);
            CompletableFuture<List<Sample>> read = rig.readAsync(
                    "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7").toCompletableFuture();
            CompletableFuture<Void> write = rig.adapter.write(rig.point("sp"), Value.of(42L)).toCompletableFuture();
            AdapterRig.await(write);
            assertThat(read).as("the write finished while the 8-request read was still going").isNotDone();
            assertThat(unit.register(DataTable.HOLDING_REGISTER, 899)).isEqualTo(42);
            assertThat(AdapterRig.await(read)).hasSize(8).allSatisfy(s -> assertThat(s.quality().isGood()).isTrue());
        }
    }

    @Test
    void requestDelay_spacesTheRequestsOfARead() throws Exception {
        try (AdapterRig rig = rig("max-gap: 0\nrequest-delay: 200ms", """
                - {id: a, address: 40001, type: uint16}
                - {id: b, address: 40011, type: uint16}
                - {id: c, address: 40021, type: uint16}
                """)) {
            rig.read();
            long start = System.nanoTime();
            rig.read();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("three requests, each 200 ms after the one before")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(unit.requests()).isEqualTo(6);
        }
    }

    @Test
    void deviceLeavingASharedConverter_hasItsReadStoppedWhileTheOtherDeviceGoesOn() throws Exception {
        SharedResources shared = new SharedResources();
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            points.append("- {id: p").append(i).append(", table: holding, index: ").append(100 * i).append(", type: uint16}\n");
        }
        try (ModbusSimulator converter = ModbusSimulator.builder().rtuOverTcp().unitIds(1, 2).start()) {
            String a = tcpDevice(converter.port(), "unit-id: 1\nmax-gap: 0", points.toString()).replace("transport: tcp", "transport: rtu-over-tcp");
            String b = a.replace("id: dev\n", "id: other\n").replace("unit-id: 1", "unit-id: 2");
            AdapterRig leaving = new AdapterRig(device(a), shared);
            try (AdapterRig staying = new AdapterRig(device(b), shared)) {
                assertThat(shared.users("modbus-rtu-over-tcp:127.0.0.1:" + converter.port())).isEqualTo(2);
                converter.unit(1).delayAnswers(300, TimeUnit.MILLISECONDS);
                CompletableFuture<List<Sample>> longRead = leaving.readAsync().toCompletableFuture();
                leaving.close();
                assertThat(longRead).failsWithin(Duration.ofSeconds(30))
                        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .satisfies(e -> assertThat(((DeviceException) e.getCause()).reason()).isEqualTo("stopped"));
                assertThat(converter.unit(1).requests()).as("requests of the stopped read").isLessThanOrEqualTo(2);
                converter.unit(2).setRegister(DataTable.HOLDING_REGISTER, 700, 77);
                assertThat(staying.read("p7").get("p7").value()).isEqualTo(Value.of(77L));
            }
        }
    }

    @Test
    void rtuOverTcp_readsAndWrites() throws Exception {
        try (ModbusSimulator rtu = ModbusSimulator.builder().rtuOverTcp().unitIds(3).start();
             AdapterRig rig = new AdapterRig(device(tcpDevice(rtu.port(), "unit-id: 3", """
                     - {id: f, address: 40001, type: float32, byte-order: CDAB}
                     - {id: c, address: 00001, writable: true}
                     - {id: r, address: 40010, type: uint16, writable: true}
                     """).replace("transport: tcp", "transport: rtu-over-tcp")))) {
            int bits = Float.floatToIntBits(123.456f);
            rtu.unit(3).setRegisters(DataTable.HOLDING_REGISTER, 0, bits & 0xFFFF, bits >>> 16);
            assertThat(rig.read().get("f").value()).isEqualTo(Value.ofFloat32(123.456f));
            rig.write("c", Value.of(true));
            rig.write("r", Value.of(321L));
            assertThat(rtu.unit(3).bit(DataTable.COIL, 0)).isTrue();
            assertThat(rtu.unit(3).register(DataTable.HOLDING_REGISTER, 9)).isEqualTo(321);
        }
    }
}
