package io.outpost.adapter.bacnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.serotonin.bacnet4j.service.confirmed.ReadPropertyMultipleRequest;
import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.testing.FreePorts;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** ReadPropertyMultiple sized to what the device takes: small buffers, segmented answers, devices that overstate. */
class BacnetBatchingIT extends SimulatorAndGateway {

    private static String sensors(int count) {
        StringBuilder b = new StringBuilder();
        IntStream.range(0, count).forEach(i -> b.append("      - {id: s").append(i).append(", object: analog-input:")
                .append(BacnetSimulator.FIRST_EXTRA + i).append("}\n"));
        return b.toString();
    }

    private void start(BacnetSimulator.Builder device, int sensors) throws Exception {
        sim = device.port(FreePorts.udp()).extraInputs(sensors).start();
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp()) + Yaml.device("ahu", sim, "poll-interval: 1s", sensors(sensors))).start();
    }

    private void awaitAllGood(int sensors) {
        for (int i = 0; i < sensors; i++) {
            String expected = "{\"value\":" + (double) i + ",\"quality\":\"good\"";
            gateway.awaitPayload("site/ahu/s" + i, p -> p.startsWith(expected));
        }
    }

    @Test
    void a_device_with_a_small_buffer_and_no_segmentation_gets_requests_whose_answers_fit_it() throws Exception {
        start(BacnetSimulator.builder().limits(206, false).enforceResponseLimit(206), 60);

        awaitAllGood(60);

        // 60 present values and 60 status-flags do not fit 206 bytes: several requests, none too large.
        assertThat(sim.requests(ReadPropertyMultipleRequest.class).size()).isGreaterThan(5);
        assertThat(sim.abortedReadPropertyMultiples()).isZero();
        assertThat(sim.largestReadPropertyMultipleAnswer()).isLessThanOrEqualTo(206 - 3);
    }

    @Test
    void a_device_with_segmentation_answers_large_reads_in_segments() throws Exception {
        start(BacnetSimulator.builder().limits(480, true), 150);

        awaitAllGood(150);

        // Answers above one APDU of 480 bytes came back segmented, and were reassembled.
        assertThat(sim.largestReadPropertyMultipleAnswer()).isGreaterThan(480);
        assertThat(sim.abortedReadPropertyMultiples()).isZero();
    }

    @Test
    void a_device_that_aborts_large_requests_gets_smaller_ones_from_then_on() throws Exception {
        // It claims 1476 bytes with segmentation but aborts any answer above 400 bytes.
        start(BacnetSimulator.builder().limits(1476, true).enforceResponseLimit(400), 80);

        awaitAllGood(80);
        int abortsWhileLearning = sim.abortedReadPropertyMultiples();
        assertThat(abortsWhileLearning).isPositive();

        sim.clearRequests();
        sim.set(new com.serotonin.bacnet4j.type.primitive.ObjectIdentifier(
                com.serotonin.bacnet4j.type.enumerated.ObjectType.analogInput, BacnetSimulator.FIRST_EXTRA), 99f);
        gateway.awaitLatest("site/ahu/s0", p -> p.startsWith("{\"value\":99.0,\"quality\":\"good\""));
        assertThat(sim.abortedReadPropertyMultiples()).isEqualTo(abortsWhileLearning);
    }
}
