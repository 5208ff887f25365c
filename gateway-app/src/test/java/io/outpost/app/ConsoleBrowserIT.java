package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outpost.adapter.modbus.sim.DataTable;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real browser (Debian's chromium driven by playwright-core, never a downloaded browser)
 * against the demo with a scheduled uplink outage: the page loads, the points update, the upstream goes down and
 * comes back, the filter works; and against a gateway with a console login, an operator acknowledging and shelving
 * an alarm with the buttons, checked in the page and, independently, in the retained alarm state on the broker.
 */
class ConsoleBrowserIT {

    private static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void console_shows_points_updating_and_the_upstream_going_down_and_up() throws Exception {
        assumeTrue(ExternalProcess.available("node"), "node is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "Debian's chromium is not installed (apt-get install chromium)");
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/playwright-core")),
                "playwright-core is not installed: run scripts/test.sh (npm ci in " + NODE_DIR + ")");
        int http = FreePorts.tcp();
        try (ExternalProcess demo = DemoIT.startDemo(dir.resolve("demo"), FreePorts.tcp(), FreePorts.tcp(), http,
                "--duration", "5m", "--outage-after", "25s", "--outage-for", "20s")) {
            demo.awaitLine(l -> l.startsWith("Outpost demo is running"), Duration.ofSeconds(60));
            Path screenshot = Path.of("target/console.png").toAbsolutePath();
            try (ExternalProcess browser = ExternalProcess.start("console-test", List.of("node",
                    NODE_DIR.resolve("console-test.mjs").toString(), "http://127.0.0.1:" + http + "/", screenshot.toString()),
                    NODE_DIR)) {
                int status = browser.waitFor(Duration.ofMinutes(4));
                assertThat(browser.output()).as(String.join("\n", browser.output())).contains("OK");
                assertThat(status).isZero();
            }
        }
    }

    @Test
    void a_logged_in_operator_acknowledges_and_shelves_an_alarm_in_the_browser_and_the_broker_has_it() throws Exception {
        assumeTrue(ExternalProcess.available("node"), "node is not installed");
        assumeTrue(ExternalProcess.available("mosquitto_sub"), "mosquitto-clients is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "Debian's chromium is not installed (apt-get install chromium)");
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/playwright-core")),
                "playwright-core is not installed: run scripts/test.sh (npm ci in " + NODE_DIR + ")");
        try (ModbusSimulator sim = ModbusSimulator.builder().port(0).start()) {
            sim.unit().setRegister(DataTable.HOLDING_REGISTER, 0, 950); // 9.50 m, over the 9 m hi limit
            int broker = FreePorts.tcp();
            int http = FreePorts.tcp();
            Path file = dir.resolve("outpost.yaml");
            // The console user alice is the MQTT user alice of the ACL: she may command the tank's alarms; anybody
            // may read (the subscriber below has no login).
            Files.writeString(file, """
                    gateway: {id: gw, site: site, data-dir: %s}
                    broker:
                      listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]
                      acl:
                        - {user: alice, topic: "site/gw/alarms/tank/#", access: readwrite}
                        - {topic: "site/#", access: read}
                    http: {port: %d, username: alice, password: "alice's secret"}
                    devices:
                      - id: tank
                        protocol: modbus
                        poll-interval: 200ms
                        connection: {host: 127.0.0.1, port: %d}
                        points:
                          - id: level
                            address: 40001
                            type: int16
                            scale: 0.01
                            unit: m
                            alarms: {hi: {limit: 9, priority: high, message: "Tank level high"}}
                    """.formatted(dir.resolve("data"), broker, http, sim.port()));
            ConfigFiles files = new ConfigFiles();
            try (Gateway gateway = Gateway.start(files.load(file), files,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of())) {
                String url = "http://127.0.0.1:" + http + "/";

                browse(url, "acknowledge", null);
                String acknowledged = retainedAlarmState(broker);
                assertThat(acknowledged).contains("\"alarm\":\"hi\",\"state\":\"acknowledged\",\"active\":true",
                        "\"ack-by\":\"alice\"");

                browse(url, "shelve", Path.of("target/console-alarm.png").toAbsolutePath());
                String shelved = retainedAlarmState(broker);
                assertThat(shelved).contains("\"alarm\":\"hi\",\"state\":\"shelved\"", "\"shelved-by\":\"alice\"");
            }
        }
    }

    /** Runs the browser as alice doing one action on the tank's hi alarm, and fails with its output unless it did. */
    private static void browse(String url, String action, Path screenshot) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("node", NODE_DIR.resolve("console-alarm-test.mjs").toString(),
                url, "alice", "alice's secret", "tank/level/hi", action));
        if (screenshot != null) {
            command.add(screenshot.toString());
        }
        try (ExternalProcess browser = ExternalProcess.start("console-" + action, command, NODE_DIR)) {
            int status = browser.waitFor(Duration.ofMinutes(2));
            assertThat(browser.output()).as(String.join("\n", browser.output())).contains("OK");
            assertThat(status).isZero();
        }
    }

    /** The retained state of the tank level's alarms, as a new subscriber (mosquitto_sub, not our code) gets it. */
    private String retainedAlarmState(int broker) throws Exception {
        try (ExternalProcess sub = ExternalProcess.start("alarm-state", List.of("mosquitto_sub", "-h", "127.0.0.1",
                "-p", Integer.toString(broker), "-t", "site/gw/alarms/tank/level", "-q", "1", "--retained-only",
                "-C", "1", "-W", "10"), dir)) {
            int status = sub.waitFor(Duration.ofSeconds(20));
            assertThat(status).as("mosquitto_sub: " + sub.output()).isZero();
            return String.join("\n", sub.output());
        }
    }
}
