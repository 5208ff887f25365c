package io.outpost.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.testing.ExternalProcess;
import io.outpost.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet benchmark's harness at a small scale, so that it keeps working: 20 simulated gateways (the real fleet
 * agent in this JVM) and one real gateway process get a staged push (canary 5%) through mosquitto; every one of
 * them must apply it and come through its grace period, and the broker's and the agents' counts must show the
 * traffic. The figures at 1,000 gateways are bench/fleet-bench.sh's (BENCHMARKS.md).
 */
class FleetSimulationIT {

    @TempDir
    Path dir;

    @Test
    void a_staged_push_reaches_every_simulated_gateway_and_the_real_process_and_all_apply_it() throws Exception {
        assumeTrue(Mosquitto.installed() && ExternalProcess.available("mosquitto_sub"),
                "mosquitto and mosquitto-clients are not installed (apt-get install mosquitto mosquitto-clients)");
        FleetSimulation.Options options = new FleetSimulation.Options(20, 1, "mosquitto", "5%", Duration.ofSeconds(10), 2,
                System.getProperty("java.class.path"), dir, Duration.ofSeconds(60));

        FleetSimulation.Report r = FleetSimulation.run(options);

        assertThat(r.complete()).as("%s", r.text()).isTrue();
        assertThat(r.stageSizes()).as("canary 5%% of 21, then the rest").containsExactly(2, 19);
        assertThat(r.simsApplied()).as("simulated gateways running the new configuration\n%s", r.text()).isEqualTo(20);
        assertThat(r.processesApplied()).as("real processes whose file is the new one\n%s", r.text()).isEqualTo(1);
        assertThat(r.appliedFromStageMillis()).as("applied results seen at the cloud").hasSize(21);
        assertThat(r.cliPushes()).isEqualTo(21);
        assertThat(r.agentsPublished()).as("accepted, applied and healthy of each simulated gateway at least")
                .isGreaterThanOrEqualTo(60);
        assertThat(r.brokerDelta().get("publish/messages/sent")).as("PUBLISH the broker sent during the push\n%s", r.text())
                .isGreaterThanOrEqualTo(21 + 3 * 21L);
    }
}
