package io.outpost.adapter.modbus.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.modbus.testing.ModbusConfigs;
import io.outpost.adapter.modbus.testing.PassThroughSection;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.ConfigSection;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModbusConfigTest {

    private static final Path CONFIGS = Path.of("../../configs");

    /**
     * Loads a file of configs/ with the Modbus adapter and the core's own sections (alarms). The MQTT engine's
     * sections are not this module's: broker is accepted as it is, and the upstreams list is cut out (the core reads
     * sections as mappings).
     */
    private static GatewayConfig loadFile(String name) throws Exception {
        List<ConfigSection<?>> sections = new ArrayList<>(ConfigLoader.discoverSections());
        sections.add(new PassThroughSection("broker"));
        ConfigLoader loader = new ConfigLoader(ModbusConfigs.CATALOG, sections,
                PayloadFormats.standard().names(), new Interpolator(n -> "x"));
        Path file = CONFIGS.resolve(name);
        String text = Files.readString(file).replaceAll("(?ms)^upstreams:.*?(?=^\\S)", "");
        return loader.parse(text, file);
    }

    private static ModbusPoint point(DeviceConfig d, String id) {
        return d.point(id).orElseThrow().settings(ModbusPoint.class);
    }

    @Test
    void exampleConfig_loadsWithTheModbusAdapter() throws Exception {
        GatewayConfig config = loadFile("example.yaml");
        DeviceConfig tank = config.devices().get(0);
        ModbusDevice tankSettings = tank.settings(ModbusDevice.class);
        assertThat(tankSettings.connection().transport()).isEqualTo(Transport.TCP);
        assertThat(tankSettings.connection().host()).isEqualTo("192.168.10.21");
        assertThat(tankSettings.maxGap()).isEqualTo(8);
        assertThat(point(tank, "level").address()).isEqualTo(new ModbusAddress(Table.HOLDING_REGISTER, 0, -1));
        assertThat(point(tank, "level").order()).isEqualTo(ModbusByteOrder.CDAB);
        assertThat(point(tank, "pump-running").table()).isEqualTo(Table.DISCRETE_INPUT);
        assertThat(point(tank, "high-level-alarm").address()).isEqualTo(new ModbusAddress(Table.HOLDING_REGISTER, 9, 3));
        assertThat(point(tank, "energy").span()).isEqualTo(2);

        DeviceConfig meter = config.devices().get(1);
        ModbusConnection serial = meter.settings(ModbusDevice.class).connection();
        assertThat(serial.transport()).isEqualTo(Transport.RTU);
        assertThat(serial.serial()).isEqualTo(new SerialSettings("/dev/ttyUSB0", 19_200, SerialSettings.Parity.EVEN, 8, 1));
        assertThat(point(meter, "total").unitId()).isEqualTo(7);
        assertThat(point(meter, "total").type()).isEqualTo(DataType.FLOAT64);
    }

    @Test
    void modbusExampleConfig_loads() throws Exception {
        GatewayConfig config = loadFile("modbus.yaml");
        assertThat(config.devices()).extracting(DeviceConfig::protocol).containsOnly("modbus");
        assertThat(config.devices()).extracting(d -> d.settings(ModbusDevice.class).connection().transport())
                .contains(Transport.TCP, Transport.RTU_OVER_TCP, Transport.RTU);
    }

    @Test
    void indexAndSixDigitReferences_pointAtTheSameRegister() {
        DeviceConfig d = ModbusConfigs.device(ModbusConfigs.tcpDevice(502, "", """
                - {id: a, table: holding, index: 10000, type: uint16}
                - {id: b, address: 410001, type: uint16}
                - {id: c, table: input, index: 4, bit: 7}
                - {id: s, address: 40100, type: string, length: 11}
                """));
        assertThat(point(d, "a").address()).isEqualTo(point(d, "b").address());
        assertThat(point(d, "c").address()).isEqualTo(new ModbusAddress(Table.INPUT_REGISTER, 4, 7));
        assertThat(point(d, "c").type()).isEqualTo(DataType.BOOL);
        assertThat(point(d, "s").span()).isEqualTo(6);
    }

    @Test
    void timeouts_defaultFromTheDeviceTimeoutAndCanBeSet() {
        DeviceConfig d = ModbusConfigs.device("""
                  - id: dev
                    protocol: modbus
                    timeout: 3s
                    connection: {host: 127.0.0.1, request-timeout: 250ms, connect-timeout: 1s}
                    points: [{id: a, address: 40001, type: uint16}]
                """);
        ModbusConnection c = d.settings(ModbusDevice.class).connection();
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.port()).isEqualTo(502);
    }

    @Test
    void mistakes_areAllReportedAtOnceWithLineAndKey() {
        List<ConfigProblem> problems = ModbusConfigs.problems("""
                  - id: dev
                    protocol: modbus
                    timeout: 1s
                    connection: {transport: tcp, host: 127.0.0.1, baud-rate: 9600, request-timeout: 2s}
                    byte-order: AB
                    max-registers-per-request: 4
                    forbidden: [40050-40059, 50001]
                    points:
                      - {id: coil, address: 00001, type: float32}
                      - {id: short, address: 40001, type: int16, byte-order: CDAB}
                      - {id: wide, address: 40002, type: float32, byte-order: GHEFCDAB}
                      - {id: text, address: 40010, type: string}
                      - {id: len, address: 40020, type: int16, length: 4}
                      - {id: a, address: 40030, type: float32}
                      - {id: b, address: 40031, type: float32}
                      - {id: hole, address: 40055, type: uint16}
                      - {id: ro, address: 30001, type: uint16, writable: true}
                      - {id: big, address: 40100, type: float64, byte-order: DCBA}
                      - {id: huge, address: 40200, type: string, length: 10}
                      - {id: both, address: 40300, table: holding, index: 3, type: uint16}
                      - {id: half, table: holding, type: uint16}
                      - {id: nowhere, type: uint16}
                      - {id: bad, address: 70001, type: uint16}
                      - {id: arr, address: 40400, type: array}
                      - {id: bitbyte, address: 40500.1, byte-order: BA}
                      - {id: typo, address: 40600, type: uint16, byte_order: AB}
                """);
        assertThat(problems).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p)
                        .startsWith("test.yaml:6:").contains("baud-rate").contains("transport: rtu"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:6:").contains("devices[0].connection.request-timeout")
                        .contains("request-timeout (2s) must be shorter than the device timeout (1s)"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:7:").contains("devices[0].byte-order"))
                .anySatisfy(p -> assertThat(p).contains("starts with 5"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:11:").contains("type must be bool, found float32"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:12:").contains("takes AB or BA, found CDAB"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:13:").contains("takes ABCD, BADC, CDAB or DCBA, found GHEFCDAB"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:14:").contains("required key 'length'"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:15:").contains("length applies to type: string only"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:17:").contains("point 'b'").contains("overlaps point 'a'"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:18:").contains("forbidden range 40050-40059"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:19:").contains("read-only"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:21:").contains("spans 5 registers").contains("max-registers-per-request: 4"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:22:").contains("either address:"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:23:").contains("required key 'index'"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:24:").contains("required key 'address'"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:25:").contains("starts with 7"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:26:").contains("read each register as its own point"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:27:").contains("does not apply to a single bit"))
                .anySatisfy(p -> assertThat(p).startsWith("test.yaml:28:").contains("unknown key 'byte_order'")
                        .contains("did you mean 'byte-order'"));
        assertThat(problems).noneSatisfy(p -> assertThat(p.toString()).contains("'big'"));
        assertThat(problems).noneSatisfy(p -> assertThat(p.toString()).contains("unknown key 'index'"));
    }

    @Test
    void serialMistakes_areReported() {
        List<ConfigProblem> problems = ModbusConfigs.problems("""
                  - id: meter
                    protocol: modbus
                    unit-id: 0
                    connection: {transport: rtu, host: 10.0.0.1, baud-rate: 9600, parity: mark, data-bits: 7, stop-bits: 3}
                    points: [{id: a, address: 30001, type: uint16}]
                """);
        assertThat(problems).extracting(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).contains("required key 'serial-port'"))
                .anySatisfy(p -> assertThat(p).contains("'host' applies to transport: tcp or rtu-over-tcp"))
                .anySatisfy(p -> assertThat(p).contains("'mark' is not allowed here").contains("none, even, odd"))
                .anySatisfy(p -> assertThat(p).contains("need 8 data bits"))
                .anySatisfy(p -> assertThat(p).contains("stop-bits").contains("between 1 and 2"))
                .anySatisfy(p -> assertThat(p).contains("unit-id").contains("between 1 and 247"));
    }

    @Test
    void missingConnection_isReported() {
        List<ConfigProblem> problems = ModbusConfigs.problems("""
                  - id: dev
                    protocol: modbus
                    points: [{id: a, address: 40001, type: uint16}]
                """);
        assertThat(problems).extracting(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).contains("required key 'connection'"));
    }
}
