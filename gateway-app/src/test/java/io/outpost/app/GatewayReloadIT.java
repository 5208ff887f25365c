package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.core.poll.DeviceActivity;
import io.outpost.core.runtime.ReloadReport;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of a whole gateway: one device's interval changes and a device is added while another device's
 * points keep flowing and the upstream's store keeps its backlog; an invalid file changes nothing.
 */
class GatewayReloadIT {

    @TempDir
    Path dir;

    private String config(int modbus, String aInterval) {
        return """
                gateway: {id: gw, site: site, data-dir: %s}
                broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                http: {port: %d}
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]      # nobody listens: the link is down, the store fills
                    forward: [{from: "site/#", qos: 1}]
                devices:
                  - id: a
                    protocol: modbus
                    poll-interval: %s
                    connection: {host: 127.0.0.1, port: %d}
                    points: [{id: level, address: 40001, type: float32, byte-order: CDAB, report: every-read}]
                  - id: b
                    protocol: modbus
                    poll-interval: 200ms
                    connection: {host: 127.0.0.1, port: %d}
                    points: [{id: flow, address: 30001, type: uint16, report: every-read}]
                """.formatted(dir.resolve("data"), FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), aInterval, modbus, modbus);
    }

    @Test
    void reload_changes_one_device_adds_another_and_leaves_the_rest_and_the_backlog_alone() throws Exception {
        try (ModbusSimulator sim = ModbusSimulator.builder().port(0).demo().start()) {
            Path file = dir.resolve("outpost.yaml");
            String first = config(sim.port(), "1s");
            Files.writeString(file, first);
            ConfigFiles files = new ConfigFiles();
            try (Gateway gateway = Gateway.start(files.load(file), files,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of())) {
                List<Long> bArrivals = new CopyOnWriteArrayList<>();
                LocalBroker broker = gateway.engine().localBroker();
                try (LocalBroker.LocalSubscription sub = broker.subscribe("site/b/flow", 0,
                        m -> bArrivals.add(System.nanoTime()))) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> queued(gateway) >= 20);
                    long backlog = queued(gateway);
                    DeviceActivity bBefore = activity(gateway, "b");

                    // Changing the file keeps the same ports: rewrite only what differs.
                    String next = first.replace("poll-interval: 1s", "poll-interval: 2s")
                            + "  - id: c\n    protocol: modbus\n    connection: {host: 127.0.0.1, port: " + sim.port()
                            + "}\n    points: [{id: energy, address: 40030, type: uint32, byte-order: CDAB}]\n";
                    Files.writeString(file, next);
                    int arrivalsBefore = bArrivals.size();
                    long reloadAt = System.nanoTime();
                    ReloadReport report = gateway.reload(files.load(file));

                    assertThat(report.restarted()).containsExactly("a");
                    assertThat(report.added()).containsExactly("c");
                    assertThat(report.unchanged()).containsExactly("b");
                    assertThat(gateway.runtime().config().device("a").orElseThrow().pollInterval()).isEqualTo(Duration.ofSeconds(2));
                    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.runtime().values().all().stream()
                            .anyMatch(l -> l.ref().device().equals("c") && l.latest() != null && l.latest().hasValue()));
                    // b went on without a pause: readings within a few of its 200 ms periods around the reload.
                    await().atMost(Duration.ofSeconds(10)).until(() -> bArrivals.size() > arrivalsBefore + 5);
                    assertThat(bArrivals.stream().filter(t -> t > reloadAt - 1_000_000_000L && t < reloadAt + 1_000_000_000L))
                            .hasSizeGreaterThanOrEqualTo(4);
                    assertThat(activity(gateway, "b").lastSuccessNanos()).isGreaterThan(bBefore.lastSuccessNanos());
                    // The bridge was not restarted and its store kept (and grew) its backlog.
                    assertThat(queued(gateway)).isGreaterThanOrEqualTo(backlog);

                    // An invalid file: nothing changes.
                    Files.writeString(file, next.replace("poll-interval: 2s", "poll-interval: sometimes"));
                    ConfigReloader reloader = new ConfigReloader(file, files, gateway::reload);
                    assertThat(reloader.reload()).isFalse();
                    assertThat(gateway.runtime().config().device("a").orElseThrow().pollInterval()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(gateway.runtime().deviceIds()).containsExactlyInAnyOrder("a", "b", "c");
                    reloader.close();
                }
            }
        }
    }

    private static long queued(Gateway gateway) {
        return gateway.upstreamStatus().stream().mapToLong(UpstreamStatus::queuedMessages).sum();
    }

    private static DeviceActivity activity(Gateway gateway, String device) {
        return gateway.runtime().activity().stream().filter(a -> a.device().equals(device)).findFirst().orElseThrow();
    }
}
