package io.outpost.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.bench.e2e.ServiceUnit;
import io.outpost.testing.Mosquitto;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short chaos soak that runs in every build: three minutes of the whole gateway (its own JVM) under load while
 * every kind of fault runs at least once (uplink flap, stall and slow period, SIGKILL of the gateway with a
 * restart, also during an outage, a device power-cycled, the cloud broker restarted); then nothing the gateway
 * accepted may be missing at the cloud, no QoS 2 message may arrive twice and nothing may arrive out of order on
 * its topic. {@code -Dsoak.minutes=30} makes it long; {@code -Dsoak.seed=N} replays a schedule (the seed is
 * printed).
 */
class ChaosSoakIT {

    @TempDir
    Path dir;

    @Test
    void nothingAcceptedIsLost_noQos2Duplicate_noDisorder_underEveryFault() throws Exception {
        assumeTrue(Mosquitto.installed(), "mosquitto is not installed (Debian package mosquitto); skipping the soak");
        double minutes = Double.parseDouble(System.getProperty("soak.minutes", "3"));
        long seed = Long.getLong("soak.seed", System.nanoTime());
        SoakRun.Options options = new SoakRun.Options(minutes, seed, 20, 4, 50, 200,
                System.getProperty("java.class.path"), ServiceUnit.fromSourceTree(Path.of("")), dir);

        SoakReport report = SoakRun.run(options);

        try {
            SoakReport.Counts c = report.counts();
            assertThat(report.faults().keySet()).as("faults that ran (seed %d)", seed)
                    .containsExactlyInAnyOrderElementsOf(Arrays.asList(Fault.values()));
            assertThat(c.accepted()).as("publications the gateway accepted").isGreaterThan(1000);
            assertThat(c.deviceReadings()).as("device readings delivered").isGreaterThan(10_000);
            assertThat(c.lost()).as("accepted publications missing at the cloud (seed %d)\n%s", seed, report.text()).isZero();
            assertThat(c.gaps()).as("messages the engine accepted, missing at the cloud (seed %d)\n%s", seed, report.text())
                    .isZero();
            assertThat(c.duplicatesQos2()).as("QoS 2 duplicates (seed %d)\n%s", seed, report.text()).isZero();
            assertThat(c.disorders()).as("out of order per topic (seed %d)\n%s", seed, report.text()).isZero();
            assertThat(c.malformed()).as("messages without id, downgraded or invented\n%s", report.text()).isZero();
            assertThat(report.lastRunDelivered()).as("the last run's accepted messages at the cloud\n%s", report.text())
                    .isEqualTo(report.lastRunAccepted());
        } catch (AssertionError e) {
            // The work directory goes with the test: what the gateway logged is the evidence a CI run keeps.
            printWarnings(dir.resolve("gateway.log"));
            throw e;
        }
    }

    private static void printWarnings(Path log) throws java.io.IOException {
        if (!java.nio.file.Files.exists(log)) {
            return;
        }
        try (var lines = java.nio.file.Files.lines(log)) {
            System.out.println("the gateway's warnings and errors (" + log + "):");
            lines.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).limit(300).forEach(System.out::println);
        }
    }
}
