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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, finding 1, against a j2mod slave: non-finite and out-of-range values are refused in the core in every
 * form a command can carry them, and the registers keep what they held.
 */
class ModbusWriteSafetyIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SENTINEL = 0x1234;

    private ModbusSimulator sim;
    private CoreServices services;
    private GatewayRuntime runtime;
    private final RecordingSink sink = new RecordingSink();

    @BeforeEach
    void start() throws Exception {
        sim = ModbusSimulator.builder().start();
        for (int offset = 0; offset < 8; offset++) {
            sim.unit().setRegister(DataTable.HOLDING_REGISTER, offset, SENTINEL);
        }
        GatewayConfig config = ModbusConfigs.gateway("""
                  - id: plc
                    protocol: modbus
                    poll-interval: 100ms
                    timeout: 1s
                    connection: {transport: tcp, host: 127.0.0.1, port: %d}
                    points:
                      - {id: ratio, address: 40001, type: float64, writable: true}
                      - {id: count, address: 40005, type: int16, writable: true}
                      - {id: valve, address: 40006, type: float32, range: [0, 90], writable: true}
                """.formatted(sim.port()));
        services = CoreServices.production(new SimpleMeterRegistry());
        runtime = new GatewayRuntime(config.gateway(), ModbusConfigs.CATALOG, sink, PayloadFormats.standard(), services,
                GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ZERO);
        runtime.start(config);
        await().atMost(WAIT).until(() -> !sink.payloads("test-gw/plc/count").isEmpty());
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        services.resources().close();
        sim.close();
    }

    private String command(String point, String payload) {
        String results = "test-gw/plc/" + point + "/set/result";
        int before = sink.payloads(results).size();
        runtime.commands().handle(CommandMessage.of("test-gw/plc/" + point + "/set",
                payload.getBytes(StandardCharsets.UTF_8)));
        await().atMost(WAIT).until(() -> sink.payloads(results).size() > before);
        List<String> all = sink.payloads(results);
        return all.get(all.size() - 1);
    }

    private void assertRegistersUntouched() {
        for (int offset = 0; offset < 8; offset++) {
            assertThat(sim.unit().register(DataTable.HOLDING_REGISTER, offset)).as("register %d", offset)
                    .isEqualTo(SENTINEL);
        }
    }

    @Test
    void nonFiniteValues_inEveryForm_neverReachTheRegisters() {
        for (String refused : List.of("NaN", "\"NaN\"", "Infinity", "-Infinity", "1e999", "\"1e999\"")) {
            assertThat(command("ratio", refused)).as(refused).contains("\"ok\":false");
        }
        for (String refused : List.of("Infinity", "\"Infinity\"", "1e999", "\"1e400000000\"")) {
            assertThat(command("count", refused)).as(refused).contains("\"ok\":false");
        }

        assertRegistersUntouched();
    }

    @Test
    void textOutsideTheRange_isRefused_andTextInside_isWritten() {
        for (String refused : List.of("\"95\"", "+96", "true", "\"0x10\"")) {
            assertThat(command("valve", refused)).as(refused).contains("\"ok\":false");
        }
        assertRegistersUntouched();

        assertThat(command("count", "\"+42\"")).contains("\"ok\":true");
        assertThat(sim.unit().register(DataTable.HOLDING_REGISTER, 4)).isEqualTo(42);
    }
}
