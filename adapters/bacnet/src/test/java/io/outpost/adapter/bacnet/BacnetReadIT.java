package io.outpost.adapter.bacnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.serotonin.bacnet4j.service.confirmed.ReadPropertyMultipleRequest;
import com.serotonin.bacnet4j.service.confirmed.ReadPropertyRequest;
import com.serotonin.bacnet4j.type.enumerated.Reliability;
import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.core.point.PointRef;
import io.outpost.testing.FreePorts;
import org.junit.jupiter.api.Test;

class BacnetReadIT extends SimulatorAndGateway {

    private void start(String points) throws Exception {
        sim = BacnetSimulator.builder().port(FreePorts.udp()).start();
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp()) + Yaml.device("ahu", sim, "poll-interval: 200ms", points)).start();
    }

    @Test
    void present_values_of_all_kinds_arrive_in_one_read_property_multiple_with_their_status() throws Exception {
        start("""
                      - {id: zone-temp, object: analog-input:1}
                      - {id: fan, object: BO:1}
                      - {id: mode, object: multi-state-value:1}
                      - {id: setpoint, object: 2:1}
                      - {id: zone-name, object: analog-input:1, property: object-name}
                """);

        assertThat(gateway.awaitPayload("site/ahu/zone-temp", p -> true)).startsWith("{\"value\":21.5,\"quality\":\"good\"");
        assertThat(gateway.awaitPayload("site/ahu/fan", p -> true)).startsWith("{\"value\":false,\"quality\":\"good\"");
        assertThat(gateway.awaitPayload("site/ahu/mode", p -> true)).startsWith("{\"value\":1,\"quality\":\"good\"");
        assertThat(gateway.awaitPayload("site/ahu/setpoint", p -> true)).startsWith("{\"value\":21.0,\"quality\":\"good\"");
        assertThat(gateway.awaitPayload("site/ahu/zone-name", p -> true)).startsWith("{\"value\":\"zone-temperature\"");
        // Five points and four status-flags of four objects: nine properties, one request.
        assertThat(sim.requests(ReadPropertyMultipleRequest.class)).anySatisfy(r -> assertThat(r.getNumberOfProperties()).isEqualTo(9));
    }

    @Test
    void engineering_units_names_and_state_texts_from_the_device_become_point_metadata() throws Exception {
        start("""
                      - {id: zone-temp, object: analog-input:1}
                      - {id: mode, object: multi-state-value:1}
                """);
        gateway.awaitPayload("site/ahu/mode", p -> true);

        await().atMost(GatewayUnderTest.PATIENCE).untilAsserted(() -> {
            assertThat(gateway.runtime.values().metadata(new PointRef("ahu", "zone-temp")))
                    .containsEntry("unit", "°C").containsEntry("bacnet-units", "degrees-celsius")
                    .containsEntry("object-name", "zone-temperature");
            assertThat(gateway.runtime.values().metadata(new PointRef("ahu", "mode")))
                    .containsEntry("object-name", "mode").containsEntry("state-text", "Off, Heat, Cool");
        });
    }

    @Test
    void a_value_change_on_the_device_is_published() throws Exception {
        start("      - {id: zone-temp, object: analog-input:1}\n");
        gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("21.5"));

        sim.set(BacnetSimulator.ZONE_TEMPERATURE, 22.3f);

        assertThat(gateway.awaitLatest("site/ahu/zone-temp", p -> p.contains("22.3"))).startsWith("{\"value\":22.3,");
    }

    @Test
    void status_flags_and_reliability_become_the_quality() throws Exception {
        start("      - {id: zone-temp, object: analog-input:1}\n");
        gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("\"good\""));

        sim.setReliability(BacnetSimulator.ZONE_TEMPERATURE, Reliability.openLoop);
        gateway.awaitLatest("site/ahu/zone-temp", p -> p.contains("\"quality\":\"bad\",\"reason\":\"reliability:open-loop\""));

        sim.setReliability(BacnetSimulator.ZONE_TEMPERATURE, Reliability.noFaultDetected);
        sim.setOutOfService(BacnetSimulator.ZONE_TEMPERATURE, true);
        gateway.awaitLatest("site/ahu/zone-temp", p -> p.contains("\"quality\":\"uncertain\",\"reason\":\"out-of-service\""));

        sim.setOutOfService(BacnetSimulator.ZONE_TEMPERATURE, false);
        gateway.awaitLatest("site/ahu/zone-temp", p -> p.contains("\"quality\":\"good\""));
    }

    @Test
    void an_object_the_device_does_not_have_is_bad_with_the_device_error_while_the_others_are_read() throws Exception {
        start("""
                      - {id: zone-temp, object: analog-input:1}
                      - {id: missing, object: analog-input:77}
                """);

        assertThat(gateway.awaitPayload("site/ahu/missing", p -> true))
                .contains("\"quality\":\"bad\",\"reason\":\"error:unknown-object\"");
        assertThat(gateway.awaitPayload("site/ahu/zone-temp", p -> true)).contains("\"quality\":\"good\"");
    }

    @Test
    void a_property_too_large_for_the_device_to_send_is_bad_with_its_abort_while_the_others_are_read() throws Exception {
        // The device aborts every answer above 24 bytes: the batch is split down to single reads, and only the
        // object name (about 30 bytes) stays out of reach.
        sim = BacnetSimulator.builder().port(FreePorts.udp()).enforceResponseLimit(24).start();
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp()) + Yaml.device("ahu", sim, "poll-interval: 200ms", """
                      - {id: zone-temp, object: analog-input:1}
                      - {id: zone-name, object: analog-input:1, property: object-name}
                """)).start();

        assertThat(gateway.awaitPayload("site/ahu/zone-name", p -> true))
                .contains("\"quality\":\"bad\",\"reason\":\"abort:segmentation-not-supported\"");
        assertThat(gateway.awaitPayload("site/ahu/zone-temp", p -> true)).startsWith("{\"value\":21.5,\"quality\":\"good\"");
    }

    @Test
    void a_device_without_read_property_multiple_is_read_one_property_at_a_time() throws Exception {
        sim = BacnetSimulator.builder().port(FreePorts.udp()).start();
        sim.setReadPropertyMultiple(false);
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp()) + Yaml.device("ahu", sim, "poll-interval: 200ms", """
                      - {id: zone-temp, object: analog-input:1}
                      - {id: fan, object: binary-output:1}
                """)).start();

        assertThat(gateway.awaitPayload("site/ahu/zone-temp", p -> true)).startsWith("{\"value\":21.5,\"quality\":\"good\"");
        assertThat(gateway.awaitPayload("site/ahu/fan", p -> true)).startsWith("{\"value\":false,\"quality\":\"good\"");
        assertThat(sim.requests(ReadPropertyMultipleRequest.class)).isEmpty();
        assertThat(sim.requests(ReadPropertyRequest.class)).isNotEmpty();
    }

    @Test
    void a_device_that_starts_rejecting_read_property_multiple_is_read_with_read_property_from_then_on() throws Exception {
        start("""
                      - {id: zone-temp, object: analog-input:1}
                      - {id: fan, object: binary-output:1}
                """);
        gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("21.5"));

        sim.setReadPropertyMultiple(false);
        sim.set(BacnetSimulator.ZONE_TEMPERATURE, 19.5f);

        assertThat(gateway.awaitLatest("site/ahu/zone-temp", p -> p.contains("19.5"))).contains("\"quality\":\"good\"");
        sim.clearRequests();
        sim.set(BacnetSimulator.ZONE_TEMPERATURE, 18.5f);
        gateway.awaitLatest("site/ahu/zone-temp", p -> p.contains("18.5"));
        assertThat(sim.requests(ReadPropertyMultipleRequest.class)).isEmpty();
    }

    @Test
    void a_device_that_stops_answering_is_marked_offline_and_recovers_when_it_is_back() throws Exception {
        start("      - {id: zone-temp, object: analog-input:1}\n");
        gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("\"good\""));
        gateway.awaitLatest("site/ahu/_status", p -> p.contains("\"state\":\"online\""));

        sim.powerOff();

        gateway.awaitLatest("site/ahu/zone-temp", p -> p.contains("\"quality\":\"bad\",\"reason\":\"timeout\""));
        gateway.awaitLatest("site/ahu/_status", p -> p.contains("\"state\":\"offline\",\"reason\":\"timeout\""));

        sim.powerOn();

        gateway.awaitLatest("site/ahu/zone-temp", p -> p.contains("\"quality\":\"good\""));
        gateway.awaitLatest("site/ahu/_status", p -> p.contains("\"state\":\"online\""));
    }
}
