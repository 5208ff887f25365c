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
import io.outpost.testing.link.LinkEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: alarm events travel in the store's {@code alarms} priority class, so on a thin uplink they overtake a
 * telemetry backlog. A simulated Modbus line of 40 points changing ten times a second feeds a gateway whose bridge
 * reaches a real cloud broker (mosquitto) through a 64 kbit/s link (the test-support {@link LinkEmulator}): the
 * telemetry queues up for many seconds; then the telemetry stops and a tank level crosses its alarm limit. The
 * alarm's event must reach the cloud long before the telemetry that was queued before it; the figures are printed
 * (docs/logic.md, "On a thin uplink", quotes a run).
 */
class AlarmOvertakesBacklogIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TELEMETRY_POINTS = 40;
    /** 64 kbit/s, each way. */
    private static final int LINK_BYTES_PER_SECOND = 8_000;
    private static final String EVENT_TOPIC = "cloud/site/gw/alarms/tank/level/event";

    @TempDir
    Path dir;

    private record Arrival(long nanos, String topic, JsonNode payload) {
    }

    @Test
    void on_a_64_kbit_link_an_alarm_event_overtakes_the_telemetry_backlog_queued_before_it() throws Exception {
        Assumptions.assumeTrue(Mosquitto.installed(), "mosquitto is not installed (apt-get install mosquitto)");
        try (ModbusSimulator sim = ModbusSimulator.builder().port(0).start();
             Mosquitto cloud = Mosquitto.start(dir.resolve("cloud"));
             LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port()).bandwidth(LINK_BYTES_PER_SECOND)) {
            sim.unit().setRegister(DataTable.HOLDING_REGISTER, 0, 100); // tank level 1.00 m, under the 5 m limit
            List<Arrival> arrivals = new CopyOnWriteArrayList<>();
            Mqtt5AsyncClient watcher = MqttClient.builder().useMqttVersion5().identifier("watcher")
                    .serverHost("127.0.0.1").serverPort(cloud.port()).buildAsync();
            watcher.connect().join();
            watcher.subscribeWith().topicFilter("cloud/#").qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
                try {
                    arrivals.add(new Arrival(System.nanoTime(), p.getTopic().toString(),
                            JSON.readTree(p.getPayloadAsBytes())));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).send().join();

            Files.writeString(dir.resolve("outpost.yaml"), """
                    gateway: {id: gw, site: site, data-dir: %s}
                    broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                    http: {port: %d}
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        allow-plaintext: true
                        forward: [{from: "site/#", to: "cloud/{topic}", qos: 1}]
                        store:
                          classes:
                            - {name: alarms, topics: ["site/gw/alarms/#"], priority: 10, overflow: reject-new}
                    devices:
                      - id: tank
                        protocol: modbus
                        poll-interval: 100ms
                        connection: {host: 127.0.0.1, port: %d}
                        points:
                          - id: level
                            address: 40001
                            type: int16
                            scale: 0.01
                            unit: m
                            alarms: {hi: {limit: 5, priority: critical, message: "Tank level high"}}
                      - id: line
                        protocol: modbus
                        poll-interval: 100ms
                        connection: {host: 127.0.0.1, port: %d}
                        points:
                    %s
                    """.formatted(dir.resolve("data"), FreePorts.tcp(), FreePorts.tcp(), link.port(), sim.port(),
                    sim.port(), IntStream.range(0, TELEMETRY_POINTS)
                            .mapToObj(i -> "          - {id: p%d, address: %d, type: int16}".formatted(i, 40101 + i))
                            .collect(Collectors.joining("\n"))));
            ConfigFiles files = new ConfigFiles();
            try (Gateway gateway = Gateway.start(files.load(dir.resolve("outpost.yaml")), files,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.stream()
                        .anyMatch(a -> a.topic.equals("cloud/site/tank/level")));

                // Telemetry: every point of the line changes at every poll, for 5 s (about 2,000 readings, some
                // 180 KB on the wire: several times what the link carries in that time).
                long loadStart = System.nanoTime();
                int step = 0;
                while (System.nanoTime() - loadStart < Duration.ofSeconds(5).toNanos()) {
                    step++;
                    for (int i = 0; i < TELEMETRY_POINTS; i++) {
                        sim.unit().setRegister(DataTable.HOLDING_REGISTER, 100 + i, step);
                    }
                    Thread.sleep(50); // paces the load generator; nothing is asserted on it
                }
                int last = step;
                // The telemetry stops (report by exception: nothing more is published once the last values are
                // read); the level crosses its limit.
                long raised = System.nanoTime();
                sim.unit().setRegister(DataTable.HOLDING_REGISTER, 0, 600);

                await().atMost(Duration.ofSeconds(60)).until(() -> arrivals.stream()
                        .anyMatch(a -> a.topic.equals(EVENT_TOPIC)));
                Arrival event = arrivals.stream().filter(a -> a.topic.equals(EVENT_TOPIC)).findFirst().orElseThrow();
                assertThat(event.payload.path("event").asText()).isEqualTo("activated");
                long eventTs = event.payload.path("ts").asLong();
                await().atMost(Duration.ofMinutes(3)).until(() -> IntStream.range(0, TELEMETRY_POINTS)
                        .allMatch(i -> arrivals.stream().anyMatch(a -> a.topic.equals("cloud/site/line/p" + i)
                                && a.payload.path("value").asInt() == last)));
                long drained = arrivals.stream().filter(a -> a.topic.startsWith("cloud/site/line/"))
                        .mapToLong(Arrival::nanos).max().orElseThrow();
                List<Arrival> overtaken = arrivals.stream().filter(a -> a.topic.startsWith("cloud/site/line/")
                        && a.nanos > event.nanos && a.payload.path("ts").asLong() < eventTs).toList();
                long telemetry = arrivals.stream().filter(a -> a.topic.startsWith("cloud/site/line/")).count();

                double eventSeconds = (event.nanos - raised) / 1e9;
                double backlogSeconds = (drained - raised) / 1e9;
                System.out.printf("alarm over a 64 kbit/s link: event at the cloud %.2f s after the limit was crossed;"
                                + " the telemetry queued before it drained %.2f s after; %d of %d telemetry messages"
                                + " read before the alarm arrived after its event%n",
                        eventSeconds, backlogSeconds, overtaken.size(), telemetry);

                assertThat(drained).as("the backlog was still draining when the event arrived").isGreaterThan(event.nanos);
                assertThat(backlogSeconds).as("a backlog of many seconds").isGreaterThan(5);
                assertThat(overtaken.size()).as("telemetry read before the alarm, delivered after its event")
                        .isGreaterThan((int) (telemetry / 4));
                assertThat(eventSeconds).as("the event waited for a small part of the backlog only")
                        .isLessThan(backlogSeconds / 3);
            } finally {
                watcher.disconnect().join();
            }
        }
    }
}
