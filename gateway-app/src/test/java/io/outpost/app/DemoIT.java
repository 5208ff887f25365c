package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command as a user runs it: the demo, from the packaged application, headless. Within 60 s the
 * readings of all three simulated protocols reach the demo's cloud broker, seen by an independent client
 * (mosquitto_sub).
 */
class DemoIT {

    @TempDir
    Path dir;

    static Path applicationJar() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("gateway-app-.*\\.jar")
                            && !p.getFileName().toString().contains("tests"))
                    .findFirst().orElseThrow(() -> new AssertionError("run mvn package first")).toAbsolutePath();
        }
    }

    static ExternalProcess startDemo(Path dataDir, int broker, int cloud, int http, String... extra) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("java", "-Xmx256m", "-jar", applicationJar().toString(),
                "demo", "--data-dir", dataDir.toString(), "--broker-port", Integer.toString(broker), "--cloud-port",
                Integer.toString(cloud), "--http-port", Integer.toString(http), "--status-every", "2s"));
        command.addAll(List.of(extra));
        return ExternalProcess.start("outpost-demo", command, dataDir.getParent());
    }

    @Test
    void readings_of_all_three_protocols_reach_the_cloud_broker_within_60_seconds() throws Exception {
        assumeTrue(ExternalProcess.available("mosquitto_sub"), "mosquitto-clients is not installed");
        int broker = FreePorts.tcp();
        int cloud = FreePorts.tcp();
        int http = FreePorts.tcp();
        long started = System.nanoTime();
        try (ExternalProcess demo = startDemo(dir.resolve("demo"), broker, cloud, http, "--duration", "5m")) {
            demo.awaitLine(l -> l.startsWith("Outpost demo is running"), Duration.ofSeconds(60));
            try (ExternalProcess cloudSide = ExternalProcess.start("cloud-subscriber", List.of("mosquitto_sub", "-h",
                    "127.0.0.1", "-p", Integer.toString(cloud), "-t", "cloud/demo/#", "-v", "-q", "1"), dir)) {
                await().atMost(Duration.ofSeconds(60).minusNanos(System.nanoTime() - started)
                                .plusSeconds(5)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(cloudSide.output())
                                .anyMatch(l -> l.startsWith("cloud/demo/tank/level {\"value\":"))
                                .anyMatch(l -> l.startsWith("cloud/demo/boiler/temperature {\"value\":"))
                                .anyMatch(l -> l.startsWith("cloud/demo/ahu/zone-temp {\"value\":")));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(65));
            }
            assertThat(demo.output()).noneMatch(l -> l.contains(" ERROR "));
        }
    }
}
