package io.outpost.adapter.bacnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.serotonin.bacnet4j.service.confirmed.WritePropertyRequest;
import com.serotonin.bacnet4j.type.primitive.Real;
import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.testing.FreePorts;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, finding 1, against a bacnet4j device: a value the gateway refuses is never sent in a WriteProperty,
 * whatever form the command gave it; a boolean is not a number for a REAL present value.
 */
class BacnetWriteSafetyIT extends SimulatorAndGateway {

    @BeforeEach
    void start() throws Exception {
        sim = BacnetSimulator.builder().port(FreePorts.udp()).start();
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp()) + Yaml.device("ahu", sim, "poll-interval: 200ms", """
                      - {id: setpoint, object: analog-value:1, writable: true, range: [10, 30]}
                      - {id: fan, object: binary-output:1, writable: true}
                """)).start();
        gateway.awaitPayload("site/ahu/setpoint", p -> p.contains("21.0"));
    }

    private String result(String point, String payload, int nth) {
        gateway.command("site/ahu/" + point + "/set", payload);
        return gateway.awaitPayload("site/ahu/" + point + "/set/result",
                p -> gateway.payloads("site/ahu/" + point + "/set/result").size() >= nth);
    }

    @Test
    void textAndNonFiniteValues_outsideTheRange_areNeverWrittenToTheDevice() {
        List<String> refused = List.of("\"95\"", "+96", "Infinity", "\"NaN\"", "1e999", "true", "{\"value\": \"5\"}");
        for (int i = 0; i < refused.size(); i++) {
            assertThat(result("setpoint", refused.get(i), i + 1)).as(refused.get(i)).contains("\"ok\":false");
        }

        assertThat(sim.requests(WritePropertyRequest.class)).as("no WriteProperty reached the device").isEmpty();
        assertThat(sim.presentValue(BacnetSimulator.SETPOINT)).isEqualTo(new Real(21.0f));

        assertThat(result("setpoint", "\"25.5\"", refused.size() + 1)).contains("\"ok\":true");
        assertThat(sim.presentValue(BacnetSimulator.SETPOINT)).isEqualTo(new Real(25.5f));
    }

    @Test
    void aBoolean_isRefusedForARealPresentValue_withoutARangeToo() throws Exception {
        gateway.close();
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp()) + Yaml.device("ahu", sim, "poll-interval: 200ms", """
                      - {id: setpoint, object: analog-value:1, writable: true}
                """)).start();
        gateway.awaitPayload("site/ahu/setpoint", p -> p.contains("21.0"));

        assertThat(result("setpoint", "true", 1)).contains("\"ok\":false").contains("\"error\":\"conversion-error\"");
        assertThat(result("setpoint", "\"22\"", 2)).contains("\"ok\":false").contains("\"error\":\"conversion-error\"");

        assertThat(sim.requests(WritePropertyRequest.class)).isEmpty();
    }

    @Test
    void binaryPoints_takeTheOneBooleanRule() {
        assertThat(result("fan", "\"active\"", 1)).contains("\"ok\":true");
        assertThat(result("fan", "2", 2)).contains("\"ok\":false").contains("\"error\":\"conversion-error\"");

        assertThat(sim.requests(WritePropertyRequest.class)).hasSize(1);
    }
}
