package io.outpost.adapter.bacnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.serotonin.bacnet4j.service.confirmed.WritePropertyRequest;
import com.serotonin.bacnet4j.type.constructed.PriorityArray;
import com.serotonin.bacnet4j.type.enumerated.BinaryPV;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.primitive.Null;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.testing.FreePorts;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BacnetWriteIT extends SimulatorAndGateway {

    @BeforeEach
    void start() throws Exception {
        sim = BacnetSimulator.builder().port(FreePorts.udp()).start();
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp()) + Yaml.device("ahu", sim, "poll-interval: 200ms", """
                      - {id: setpoint, object: analog-value:1, writable: true, priority: 8}
                      - {id: fan, object: binary-output:1, writable: true, priority: 5}
                      - {id: mode, object: multi-state-value:1, writable: true}
                      - {id: zone-temp, object: analog-input:1, writable: true}
                """)).start();
        gateway.awaitPayload("site/ahu/setpoint", p -> p.contains("21.0"));
    }


    /** What the device holds at one priority of a commandable object. */
    private Encodable slot(ObjectIdentifier object, int priority) {
        return ((PriorityArray) sim.get(object, PropertyIdentifier.priorityArray)).getBase1(priority).getValue();
    }

    @Test
    void a_command_writes_at_the_point_priority_and_publishes_the_result_and_the_new_value() {
        gateway.command("site/ahu/setpoint/set", "{\"value\": 23.5, \"id\": \"r1\"}");

        assertThat(gateway.awaitPayload("site/ahu/setpoint/set/result", p -> true))
                .startsWith("{\"ok\":true,\"point\":\"ahu/setpoint\",\"value\":23.5,").endsWith("\"id\":\"r1\"}");
        assertThat(slot(BacnetSimulator.SETPOINT, 8)).isEqualTo(new Real(23.5f));
        assertThat(sim.presentValue(BacnetSimulator.SETPOINT)).isEqualTo(new Real(23.5f));
        gateway.awaitLatest("site/ahu/setpoint", p -> p.startsWith("{\"value\":23.5,"));
        assertThat(sim.requests(WritePropertyRequest.class)).singleElement()
                .satisfies(w -> assertThat(w.getPriority()).isEqualTo(new UnsignedInteger(8)));
    }

    @Test
    void binary_and_multi_state_points_take_booleans_words_and_state_numbers() {
        gateway.command("site/ahu/fan/set", "on");
        gateway.awaitPayload("site/ahu/fan/set/result", p -> p.contains("\"ok\":true"));
        assertThat(slot(BacnetSimulator.SUPPLY_FAN, 5)).isEqualTo(BinaryPV.active);

        gateway.command("site/ahu/mode/set", "3");
        gateway.awaitPayload("site/ahu/mode/set/result", p -> p.contains("\"ok\":true"));
        // No priority configured: written without one, which the device takes as 16.
        assertThat(slot(BacnetSimulator.MODE, 16)).isEqualTo(new UnsignedInteger(3));
        gateway.awaitLatest("site/ahu/mode", p -> p.startsWith("{\"value\":3,"));
    }

    @Test
    void null_relinquishes_the_priority_and_the_value_falls_back_to_the_next_one() {
        gateway.command("site/ahu/setpoint/set", "24");
        gateway.awaitPayload("site/ahu/setpoint/set/result", p -> p.contains("\"ok\":true"));
        gateway.awaitLatest("site/ahu/setpoint", p -> p.startsWith("{\"value\":24.0,"));

        gateway.command("site/ahu/setpoint/set", "{\"relinquish\": true}");

        assertThat(gateway.awaitPayload("site/ahu/setpoint/set/result", p -> p.contains("\"value\":null")))
                .startsWith("{\"ok\":true,\"point\":\"ahu/setpoint\",\"value\":null");
        await().atMost(GatewayUnderTest.PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> slot(BacnetSimulator.SETPOINT, 8) instanceof Null);
        // Back to the relinquish default.
        gateway.awaitLatest("site/ahu/setpoint", p -> p.startsWith("{\"value\":21.0,"));
    }

    @Test
    void a_write_the_device_refuses_is_published_with_the_device_error() {
        gateway.command("site/ahu/zone-temp/set", "30");

        assertThat(gateway.awaitPayload("site/ahu/zone-temp/set/result", p -> true))
                .contains("\"ok\":false").contains("\"error\":\"error:write-access-denied\"");
    }
}
