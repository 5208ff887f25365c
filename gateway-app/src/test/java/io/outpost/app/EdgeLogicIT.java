package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outpost.adapter.modbus.sim.DataTable;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edge logic end to end: a simulated Modbus tank (j2mod slave) -> its level in engineering units (scaled) -> a
 * computed volume -> 1-second aggregation windows and a high-volume alarm (its events in the store's {@code alarms}
 * class) -> the bridge -> a real cloud broker (mosquitto), with the values checked at the cloud against values worked
 * out by hand.
 */
class EdgeLogicIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Arrival(String topic, JsonNode payload) {
    }

    @Test
    void a_device_reading_becomes_a_computed_point_and_its_aggregates_at_the_cloud_broker() throws Exception {
        Assumptions.assumeTrue(Mosquitto.installed(), "mosquitto is not installed (apt-get install mosquitto)");
        try (ModbusSimulator sim = ModbusSimulator.builder().port(0).start();
             Mosquitto cloud = Mosquitto.start(dir.resolve("cloud"))) {
            sim.unit().setRegister(DataTable.HOLDING_REGISTER, 0, 200); // level 2.00 m (scale 0.01)
            List<Arrival> arrivals = new CopyOnWriteArrayList<>();
            Mqtt5AsyncClient watcher = MqttClient.builder().useMqttVersion5().identifier("watcher")
                    .serverHost("127.0.0.1").serverPort(cloud.port()).buildAsync();
            watcher.connect().join();
            watcher.subscribeWith().topicFilter("cloud/#").qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
                try {
                    arrivals.add(new Arrival(p.getTopic().toString(), JSON.readTree(p.getPayloadAsBytes())));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).send().join();

            Path file = dir.resolve("outpost.yaml");
            Files.writeString(file, """
                    gateway: {id: gw, site: site, data-dir: %s}
                    broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                    http: {port: %d}
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        allow-plaintext: true
                        forward:
                          - {from: "site/calc/#", to: "cloud/{topic}", qos: 1}
                          - {from: "site/agg/#", to: "cloud/{topic}", qos: 1}
                          - {from: "site/gw/alarms/#", to: "cloud/{topic}", qos: 1}
                        store:
                          classes:
                            - {name: alarms, topics: ["site/gw/alarms/#"], priority: 10, overflow: reject-new}
                    devices:
                      - id: tank
                        protocol: modbus
                        poll-interval: 100ms
                        connection: {host: 127.0.0.1, port: %d}
                        points: [{id: level, address: 40001, type: int16, scale: 0.01, unit: m}]
                      - id: calc
                        protocol: logic
                        points:
                          - id: volume
                            expression: level * 3.141592653589793 * pow(1.5, 2)
                            inputs: {level: tank/level}
                            unit: m3
                            alarms:
                              hi: {limit: 20, priority: high, message: "Tank volume high"}
                    aggregates:
                      - points: [calc/volume]
                        every: 1s
                        topic: "{site}/agg/{every}/{device}/{point}"
                    """.formatted(dir.resolve("data"), FreePorts.tcp(), FreePorts.tcp(), cloud.port(), sim.port()));
            ConfigFiles files = new ConfigFiles();
            try (Gateway gateway = Gateway.start(files.load(file), files,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of())) {
                // pi x 1.5^2 x 2.00 = 14.137166941154069 m3
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(arrivals).anySatisfy(a -> {
                    assertThat(a.topic).isEqualTo("cloud/site/calc/volume");
                    assertThat(a.payload.path("value").asDouble()).isEqualTo(14.137166941154069);
                    assertThat(a.payload.path("quality").asText()).isEqualTo("good");
                }));

                sim.unit().setRegister(DataTable.HOLDING_REGISTER, 0, 400); // 4.00 m: twice the volume

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(arrivals).anySatisfy(a -> {
                        assertThat(a.topic).isEqualTo("cloud/site/calc/volume");
                        assertThat(a.payload.path("value").asDouble()).isEqualTo(28.274333882308138);
                    });
                    // a whole second at 4.00 m: every statistic of the window is the new volume
                    assertThat(arrivals).anySatisfy(a -> {
                        assertThat(a.topic).isEqualTo("cloud/site/agg/1s/calc/volume");
                        assertThat(a.payload.path("min").asDouble()).isEqualTo(28.274333882308138);
                        assertThat(a.payload.path("max").asDouble()).isEqualTo(28.274333882308138);
                        assertThat(a.payload.path("twa").asDouble()).isEqualTo(28.274333882308138);
                        assertThat(a.payload.path("coverage").asDouble()).isEqualTo(1.0);
                        assertThat(a.payload.path("quality").asText()).isEqualTo("good");
                        assertThat(a.payload.path("end").asLong() - a.payload.path("start").asLong()).isEqualTo(1000);
                        assertThat(a.payload.path("end").asLong() % 1000).isZero();
                    });
                });
                // 28.27 m3 is over the 20 m3 limit: the alarm is raised, and its event reaches the cloud
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(arrivals).anySatisfy(a -> {
                    assertThat(a.topic).isEqualTo("cloud/site/gw/alarms/calc/volume/event");
                    assertThat(a.payload.path("alarm").asText()).isEqualTo("hi");
                    assertThat(a.payload.path("event").asText()).isEqualTo("activated");
                    assertThat(a.payload.path("state").asText()).isEqualTo("unacknowledged");
                    assertThat(a.payload.path("value").asDouble()).isEqualTo(28.274333882308138);
                }));
                assertThat(arrivals).as("no alarm while the volume was 14.1 m3").noneSatisfy(a -> {
                    assertThat(a.topic).endsWith("/event");
                    assertThat(a.payload.path("value").asDouble()).isEqualTo(14.137166941154069);
                });
                // the raw level stays local: no forward rule names it
                assertThat(arrivals).noneSatisfy(a -> assertThat(a.topic).contains("/tank/"));
            } finally {
                watcher.disconnect().join();
            }
        }
    }
}
