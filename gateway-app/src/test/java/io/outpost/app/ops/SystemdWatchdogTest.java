package io.outpost.app.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.testing.ExternalProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog against a real notify socket (a python datagram receiver standing in for systemd). */
class SystemdWatchdogTest {

    @TempDir
    Path dir;

    @Test
    void feeds_the_watchdog_only_while_the_pipeline_makes_progress() throws Exception {
        assumeTrue(ExternalProcess.available("systemd-notify"), "systemd-notify is not installed");
        Path socket = dir.resolve("notify.sock");
        try (ExternalProcess systemd = ExternalProcess.start("notify-socket", List.of("/usr/bin/python3", "-u", "-c", """
                import socket, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                s.bind(sys.argv[1])
                print("LISTENING", flush=True)
                while True:
                    for line in s.recv(4096).decode().splitlines():
                        print(line, flush=True)
                """, socket.toString()), dir)) {
            systemd.awaitLine("LISTENING"::equals, Duration.ofSeconds(10));
            AtomicBoolean progressing = new AtomicBoolean(true);
            HealthMonitor health = new HealthMonitor(System::nanoTime);
            health.add(now -> List.of(new HealthCheck.Health("device:pump", progressing.get(), "test")));

            try (SystemdWatchdog watchdog = SystemdWatchdog.fromEnvironment(
                    Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "400000"), health).orElseThrow()) {
                watchdog.start("running");
                systemd.awaitLine("READY=1"::equals, Duration.ofSeconds(10));
                systemd.awaitLine("WATCHDOG=1"::equals, Duration.ofSeconds(10));

                progressing.set(false);
                systemd.awaitLine(l -> l.startsWith("STATUS=stalled: device:pump"), Duration.ofSeconds(10));
                int pingsWhenStalled = count(systemd, "WATCHDOG=1");
                await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5))
                        .untilAsserted(() -> assertThat(count(systemd, "WATCHDOG=1")).isEqualTo(pingsWhenStalled));

                progressing.set(true);
                await().atMost(Duration.ofSeconds(10)).until(() -> count(systemd, "WATCHDOG=1") > pingsWhenStalled);
            }
        }
    }

    private static int count(ExternalProcess p, String line) {
        return (int) p.output().stream().filter(line::equals).count();
    }

    @Test
    void not_under_systemd_means_no_watchdog() {
        assertThat(SystemdWatchdog.fromEnvironment(Map.of(), new HealthMonitor(System::nanoTime))).isEmpty();
    }
}
