package io.outpost.adapter.modbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.adapter.modbus.sim.DataTable;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.adapter.modbus.testing.ModbusConfigs;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.message.CommandMessage;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.core.testing.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole chain on real threads: the core's poller schedules reads, the Modbus adapter reads the demo simulator
 * over TCP, readings become MQTT messages in a recording sink, commands become writes, and the device status
 * follows the device.
 */
class GatewayEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ModbusSimulator sim;
    private CoreServices services;
    private GatewayRuntime runtime;
    private final RecordingSink sink = new RecordingSink();

    @BeforeEach
    void start() throws Exception {
        sim = ModbusSimulator.builder().demo().start();
        GatewayConfig config = ModbusConfigs.gateway("""
                  - id: tank-farm
                    protocol: modbus
                    poll-interval: 100ms
                    timeout: 1s
                    backoff: {initial: 100ms, max: 500ms}
                    connection: {transport: tcp, host: 127.0.0.1, port: %d}
                    points:
                      - {id: level, address: 40001, type: float32, byte-order: CDAB, unit: m, report: every-read}
                      - {id: pump-running, address: 10001}
                      - {id: flow, address: 30001, type: uint16, scale: 0.1}
                      - {id: setpoint, address: 40020, type: int16, scale: 0.1, range: [0, 12], writable: true}
                      - {id: energy, address: 40030, type: uint32, byte-order: CDAB, poll-interval: 1s}
                      - {id: density, address: 40050, type: float32}
                      - {id: gauge, address: 40052, type: int16, scale: 0.1}
                """.formatted(sim.port()));
        services = CoreServices.production(new SimpleMeterRegistry());
        runtime = new GatewayRuntime(config.gateway(), ModbusConfigs.CATALOG, sink, PayloadFormats.standard(), services,
                GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ZERO);
        runtime.start(config);
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        services.resources().close();
        sim.close();
    }

    private static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Test
    void pointsPolledFromTheSlave_becomeMessages() {
        await().atMost(WAIT).until(() -> sink.payloads("test-gw/tank-farm/level").size() >= 3);
        assertThat(sink.payloads("test-gw/tank-farm/level")).allSatisfy(p -> assertThat(p)
                .matches("\\{\"value\":[0-9.]+,\"quality\":\"good\",\"ts\":\\d+}"));
        await().atMost(WAIT).until(() -> !sink.payloads("test-gw/tank-farm/setpoint").isEmpty());
        assertThat(sink.payloads("test-gw/tank-farm/setpoint").get(0)).startsWith("{\"value\":7.5,\"quality\":\"good\"");
        assertThat(sink.payloads("test-gw/tank-farm/energy").get(0)).startsWith("{\"value\":12345,");
        assertThat(sink.payloads("test-gw/tank-farm/_status")).anySatisfy(p -> assertThat(p).contains("\"online\""));
    }

    @Test
    void aFloat32IsPublishedAsTheShortestDecimalOfTheFloat_andAScaledIntegerAsTheDecimalScaled() {
        int bits = Float.floatToIntBits(98765.44f);
        sim.unit().setRegisters(DataTable.HOLDING_REGISTER, 49, bits >>> 16, bits & 0xFFFF);
        sim.unit().setRegister(DataTable.HOLDING_REGISTER, 51, 213);

        await().atMost(WAIT).until(() -> sink.payloads("test-gw/tank-farm/density").stream()
                .anyMatch(p -> p.startsWith("{\"value\":98765.44,\"quality\":\"good\"")));
        await().atMost(WAIT).until(() -> sink.payloads("test-gw/tank-farm/gauge").stream()
                .anyMatch(p -> p.startsWith("{\"value\":21.3,\"quality\":\"good\"")));
    }

    @Test
    void command_writesTheRegisterAndPublishesTheResult() {
        await().atMost(WAIT).until(() -> !sink.payloads("test-gw/tank-farm/setpoint").isEmpty());
        runtime.commands().handle(CommandMessage.of("test-gw/tank-farm/setpoint/set",
                "{\"value\":8.5,\"id\":\"req-1\"}".getBytes(StandardCharsets.UTF_8)));
        await().atMost(WAIT).until(() -> !sink.payloads("test-gw/tank-farm/setpoint/set/result").isEmpty());
        assertThat(sink.payloads("test-gw/tank-farm/setpoint/set/result").get(0))
                .contains("\"ok\":true").contains("\"id\":\"req-1\"");
        assertThat(sim.unit().register(DataTable.HOLDING_REGISTER, 19)).isEqualTo(85);
        await().atMost(WAIT).until(() -> sink.payloads("test-gw/tank-farm/setpoint").stream()
                .anyMatch(p -> p.startsWith("{\"value\":8.5,")));
    }

    @Test
    void command_withMqtt5ResponseTopic_isAnsweredThereWithItsCorrelationData() {
        await().atMost(WAIT).until(() -> !sink.payloads("test-gw/tank-farm/setpoint").isEmpty());
        byte[] correlation = {1, 2, 3};
        runtime.commands().handle(new CommandMessage("test-gw/tank-farm/setpoint/set",
                "6".getBytes(StandardCharsets.UTF_8), "hmi/replies/7", correlation, List.of()));
        await().atMost(WAIT).until(() -> !sink.on("hmi/replies/7").isEmpty());
        assertThat(sink.on("hmi/replies/7").get(0).correlationData()).containsExactly(1, 2, 3);
        assertThat(sink.payloads("hmi/replies/7").get(0)).contains("\"ok\":true");
        assertThat(sim.unit().register(DataTable.HOLDING_REGISTER, 19)).isEqualTo(60);
    }

    @Test
    void command_outsideTheRange_isRefusedWithoutWriting() {
        await().atMost(WAIT).until(() -> !sink.payloads("test-gw/tank-farm/setpoint").isEmpty());
        runtime.commands().handle(CommandMessage.of("test-gw/tank-farm/setpoint/set", "13".getBytes(StandardCharsets.UTF_8)));
        await().atMost(WAIT).until(() -> !sink.payloads("test-gw/tank-farm/setpoint/set/result").isEmpty());
        assertThat(sink.payloads("test-gw/tank-farm/setpoint/set/result").get(0)).contains("\"error\":\"out-of-range\"");
        assertThat(sim.unit().register(DataTable.HOLDING_REGISTER, 19)).isEqualTo(75);
    }

    @Test
    void deviceThatStopsAnswering_goesOfflineWithTheReasonAndComesBack() {
        await().atMost(WAIT).until(() -> sink.payloads("test-gw/tank-farm/_status").stream().anyMatch(p -> p.contains("online")));
        sim.unit().delayAnswers(3, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> sink.payloads("test-gw/tank-farm/_status").stream()
                .anyMatch(p -> p.contains("\"offline\"") && p.contains("timeout")));
        assertThat(sink.payloads("test-gw/tank-farm/level")).anySatisfy(p -> assertThat(p)
                .contains("\"quality\":\"bad\"").contains("\"reason\":\"timeout\""));
        sink.clear();
        sim.unit().delayAnswers(0, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> sink.payloads("test-gw/tank-farm/_status").stream().anyMatch(p -> p.contains("\"online\"")));
        await().atMost(WAIT).until(() -> sink.payloads("test-gw/tank-farm/level").stream().anyMatch(p -> p.contains("\"good\"")));
    }
}
