package io.outpost.adapter.bacnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.bacnet.config.BacnetNetworkConfig;
import io.outpost.adapter.bacnet.config.BacnetObjectRef;
import io.outpost.adapter.bacnet.discovery.BacnetDiscovery;
import io.outpost.adapter.bacnet.discovery.DiscoveredDevice;
import io.outpost.adapter.bacnet.discovery.DiscoveredObject;
import io.outpost.adapter.bacnet.discovery.BacnetPointListYaml;
import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.adapter.bacnet.stack.BacnetStack;
import io.outpost.testing.FreePorts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who-Is and I-Am on loopback. Broadcasts cannot cross ports on loopback, so the devices form one BACnet network
 * the way remote sites do: device 1001 is also a BBMD, devices 2002 and 3003 and the gateway register with it as
 * foreign devices, and the BBMD forwards every broadcast to all of them.
 */
class BacnetDiscoveryIT {

    private static final Duration LISTEN = Duration.ofSeconds(3);

    private BacnetSimulator bbmd;
    private BacnetSimulator second;
    private BacnetSimulator third;
    private BacnetStack stack;
    private GatewayUnderTest gateway;

    @BeforeEach
    void network() throws Exception {
        bbmd = BacnetSimulator.builder().instance(1001).port(FreePorts.udp()).bbmd().start();
        second = BacnetSimulator.builder().instance(2002).name("sim-boiler").port(FreePorts.udp())
                .foreignDeviceOf("127.0.0.1", bbmd.port()).start();
        third = BacnetSimulator.builder().instance(3003).name("sim-small").port(FreePorts.udp()).limits(206, false)
                .enforceResponseLimit(206).extraInputs(60).foreignDeviceOf("127.0.0.1", bbmd.port()).start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (stack != null) {
            stack.close();
        }
        third.close();
        second.close();
        bbmd.close();
    }

    private BacnetDiscovery discovery() {
        stack = new BacnetStack(new BacnetNetworkConfig(4194002, "outpost-discover", "127.0.0.1", FreePorts.udp(),
                "127.0.0.1", new BacnetNetworkConfig.BbmdRegistration("127.0.0.1", bbmd.port(), Duration.ofMinutes(5)),
                Duration.ofSeconds(1), 1));
        return new BacnetDiscovery(stack);
    }

    @Test
    void who_is_through_a_bbmd_finds_every_device_with_its_address() throws Exception {
        List<DiscoveredDevice> devices = discovery().whoIs(null, null, LISTEN);

        assertThat(devices).extracting(DiscoveredDevice::instance).containsExactly(1001, 2002, 3003);
        assertThat(devices).extracting(DiscoveredDevice::port).containsExactly(bbmd.port(), second.port(), third.port());
        assertThat(devices).allSatisfy(d -> assertThat(d.address()).isEqualTo("127.0.0.1"));
        assertThat(devices.get(2).maxApdu()).isEqualTo(206);
    }

    @Test
    void who_is_for_an_instance_range_finds_only_the_devices_in_it() throws Exception {
        assertThat(discovery().whoIs(2000, 3999, LISTEN)).extracting(DiscoveredDevice::instance).containsExactly(2002, 3003);
    }

    @Test
    void objects_are_listed_with_names_and_units() throws Exception {
        BacnetDiscovery discovery = discovery();
        DiscoveredDevice device = discovery.whoIs(1001, 1001, LISTEN).get(0);

        List<DiscoveredObject> objects = discovery.objects(device);

        assertThat(objects).contains(new DiscoveredObject(new BacnetObjectRef(0, 1), "zone-temperature", "°C", ""),
                new DiscoveredObject(new BacnetObjectRef(4, 1), "supply-fan", "", ""),
                new DiscoveredObject(new BacnetObjectRef(19, 1), "mode", "", ""),
                new DiscoveredObject(new BacnetObjectRef(2, 1), "setpoint", "°C", ""));
    }

    @Test
    void an_object_list_too_long_for_the_device_to_send_is_read_element_by_element() throws Exception {
        BacnetDiscovery discovery = discovery();
        DiscoveredDevice device = discovery.whoIs(3003, 3003, LISTEN).get(0);

        List<DiscoveredObject> objects = discovery.objects(device);

        assertThat(objects).hasSize(64).extracting(o -> o.object().toString()).contains("analog-input:159");
    }

    @Test
    void the_generated_point_list_is_a_configuration_the_gateway_runs() throws Exception {
        BacnetDiscovery discovery = discovery();
        DiscoveredDevice device = discovery.whoIs(1001, 1001, LISTEN).get(0);
        String yaml = BacnetPointListYaml.render("ahu-1", device, discovery.objects(device));
        stack.close();
        stack = null;

        assertThat(yaml).contains("- {id: zone-temperature, object: analog-input:1, unit: \"°C\"}")
                .contains("- {id: supply-fan, object: binary-output:1}   # commandable");
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp()) + yaml).start();
        gateway.awaitPayload("site/ahu-1/zone-temperature", p -> p.startsWith("{\"value\":21.5,\"quality\":\"good\""));
        gateway.awaitPayload("site/ahu-1/mode", p -> p.startsWith("{\"value\":1,\"quality\":\"good\""));
    }

    @Test
    void a_device_configured_without_address_is_found_with_who_is() throws Exception {
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp(), "bbmd: {address: 127.0.0.1, port: " + bbmd.port() + "}")
                + """
                  - id: boiler
                    protocol: bacnet
                    poll-interval: 500ms
                    connection: {device-instance: 2002}
                    points:
                      - {id: zone-temp, object: analog-input:1}
                """).start();

        gateway.awaitPayload("site/boiler/zone-temp", p -> p.startsWith("{\"value\":21.5,\"quality\":\"good\""));
    }

    @Test
    void a_device_nobody_answers_for_is_offline_as_not_found() throws Exception {
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp(), "bbmd: {address: 127.0.0.1, port: " + bbmd.port() + "}")
                + """
                  - id: ghost
                    protocol: bacnet
                    timeout: 10s
                    connection: {device-instance: 777}
                    points:
                      - {id: zone-temp, object: analog-input:1}
                """).start();

        gateway.awaitPayload("site/ghost/zone-temp", p -> p.contains("\"quality\":\"bad\",\"reason\":\"device-not-found\""));
        gateway.awaitLatest("site/ghost/_status", p -> p.contains("\"state\":\"offline\",\"reason\":\"device-not-found\""));
    }
}
