package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.app.fleet.FleetClient;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's {@code discover} command on a gateway that allows discovery and polls a BACnet device (the bacnet4j
 * simulator, reached through it as BBMD): the command borrows the gateway's running BACnet stack (its port is bound
 * once) and finds the device with its objects, while the device keeps being polled.
 */
class FleetDiscoverIT {

    @TempDir
    Path dir;

    private BacnetSimulator bbmd;
    private Mosquitto cloud;
    private FleetSite site;
    private Gateway gateway;
    private FleetClient client;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Mosquitto.installed(), "mosquitto is not installed (apt-get install mosquitto)");
        bbmd = BacnetSimulator.builder().instance(1001).port(FreePorts.udp()).bbmd().start();
        cloud = Mosquitto.start(dir.resolve("cloud"));
        Path file = dir.resolve("outpost.yaml");
        Files.writeString(file, """
                gateway: {id: gw1, site: site, data-dir: %s}
                broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                http: {enabled: false}
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    forward: [{from: "site/#", to: "up/{topic}", qos: 1}]
                bacnet:
                  device-instance: 4194010
                  bind: 127.0.0.1
                  broadcast: 127.0.0.1
                  port: %d
                  bbmd: {address: 127.0.0.1, port: %d}
                devices:
                  - id: ahu
                    protocol: bacnet
                    poll-interval: 500ms
                    connection: {device-instance: 1001}
                    points: [{id: zone-temp, object: analog-input:1}]
                fleet:
                  birth-min-interval: 0s
                  commands: {discovery: true}
                """.formatted(dir.resolve("data"), FreePorts.tcp(), cloud.port(), FreePorts.udp(), bbmd.port()));
        site = FleetSite.start(file, cloud.port(), Duration.ofSeconds(60));
        gateway = site.gateway;
        client = site.client;
    }

    @AfterEach
    void stop() {
        if (site != null) {
            site.close();
        }
        if (cloud != null) {
            cloud.close();
        }
        if (bbmd != null) {
            bbmd.close();
        }
    }

    @Test
    void discover_borrows_the_running_bacnet_stack_and_finds_the_device_with_its_objects() throws Exception {
        Map<String, Object> answer = client.command("gw1", "d-1", "{\"id\":\"d-1\",\"command\":\"discover\",\"listen\":3,\"objects\":true}"
                .getBytes(StandardCharsets.UTF_8)).get(90, TimeUnit.SECONDS);

        assertThat(answer).as("%s", answer).containsEntry("ok", true).containsEntry("truncated", false);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> devices = (List<Map<String, Object>>) answer.get("devices");
        assertThat(devices).anySatisfy(d -> {
            assertThat(d.get("instance")).isEqualTo(1001L);
            assertThat(String.valueOf(d.get("objects"))).containsIgnoringCase("analog-input");
        });
        assertThat(gateway.runtime().shared().users(io.outpost.adapter.bacnet.stack.BacnetStack.SHARED_KEY))
                .as("the command gave the stack back").isEqualTo(1);
        assertThat(gateway.runtime().statuses().get("ahu").state()).isEqualTo(DeviceStatus.State.ONLINE);
    }
}
