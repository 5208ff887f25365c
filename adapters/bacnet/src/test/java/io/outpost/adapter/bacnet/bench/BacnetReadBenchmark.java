package io.outpost.adapter.bacnet.bench;

import com.serotonin.bacnet4j.LocalDevice;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.util.PropertyReferences;
import com.serotonin.bacnet4j.util.PropertyValues;
import com.serotonin.bacnet4j.util.RequestUtils;
import io.outpost.adapter.bacnet.config.BacnetNetworkConfig;
import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.adapter.bacnet.stack.BacnetPeer;
import io.outpost.adapter.bacnet.stack.BacnetStack;
import io.outpost.adapter.bacnet.stack.PeerConnector;
import io.outpost.adapter.bacnet.stack.PropertyReader;
import io.outpost.adapter.bacnet.stack.PropertyRef;
import io.outpost.adapter.bacnet.stack.PropertyResult;
import io.outpost.testing.FreePorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One poll of many present values from a simulated device, by this adapter's {@link PropertyReader} and by bacnet4j's
 * own {@code RequestUtils.readProperties} (which batches by a fixed count of references: 20 without segmentation,
 * 200 with it), alternating cycle by cycle on the same device and the same local device. Prints, per scenario and
 * reader: median and 90th percentile time of one poll, requests per poll, bytes on the wire per poll, failed polls
 * and requests the device aborted as too large.
 *
 * <p>Run: see BENCHMARKS.md, section "BACnet/IP reads".
 */
public final class BacnetReadBenchmark {

    /** @param enforce whether the device aborts answers larger than its max APDU, as a small controller does */
    private record Scenario(String name, int points, int maxApdu, boolean segmentation, boolean rpm, boolean enforce) {
    }

    /** One poll; {@code failure} is the exception that ended it, or null. */
    private record Cycle(long nanos, int requests, long bytes, int aborts, String failure) {
    }

    private BacnetReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        List<Scenario> scenarios = List.of(
                new Scenario("500 points, max APDU 480, no segmentation", 500, 480, false, true, false),
                new Scenario("500 points, max APDU 206 enforced", 500, 206, false, true, true),
                new Scenario("500 points, max APDU 1476, segmentation", 500, 1476, true, true, false),
                new Scenario("100 points, no ReadPropertyMultiple", 100, 1476, true, false, false));
        System.out.printf("%-45s %-10s %9s %9s %9s %10s %8s %8s%n", "scenario", "reader", "p50 ms", "p90 ms", "requests",
                "bytes", "failed", "aborts");
        for (Scenario s : scenarios) {
            run(s, cycles);
        }
    }

    private static void run(Scenario s, int cycles) throws Exception {
        try (BacnetSimulator sim = BacnetSimulator.builder().port(FreePorts.udp()).limits(s.maxApdu, s.segmentation)
                .enforceResponseLimit(s.enforce ? s.maxApdu : 0).extraInputs(s.points).start();
             BacnetStack stack = new BacnetStack(new BacnetNetworkConfig(4194050, "bench", "127.0.0.1", FreePorts.udp(),
                     "127.0.0.1", null, Duration.ofSeconds(2), 1))) {
            if (!s.rpm) {
                sim.setReadPropertyMultiple(false);
            }
            PropertyReader reader = new PropertyReader(stack);
            BacnetPeer peer = new PeerConnector(stack, reader).connect(sim.instance(), "127.0.0.1", sim.port());
            LocalDevice local = stack.localDevice();
            List<PropertyRef> refs = new ArrayList<>();
            PropertyReferences bacnet4jRefs = new PropertyReferences();
            for (int i = 0; i < s.points; i++) {
                ObjectIdentifier ai = new ObjectIdentifier(ObjectType.analogInput, BacnetSimulator.FIRST_EXTRA + i);
                refs.add(PropertyRef.of(ai, PropertyIdentifier.presentValue));
                bacnet4jRefs.add(ai, PropertyIdentifier.presentValue);
            }
            List<Cycle> ours = new ArrayList<>();
            List<Cycle> theirs = new ArrayList<>();
            int[] warmUpFailures = new int[2];
            int[] warmUpAborts = new int[2];
            for (int c = 0; c < cycles + 5; c++) {
                Cycle a = measure(sim, local, () -> {
                    Map<PropertyRef, PropertyResult> r = reader.read(peer, refs);
                    check(r.values().stream().filter(PropertyResult::ok).count(), s.points);
                });
                Cycle b = measure(sim, local, () -> {
                    PropertyValues v = RequestUtils.readProperties(local, peer.remote(), bacnet4jRefs, false, null);
                    check(v.size(), s.points);
                });
                if (c >= 5) {
                    ours.add(a);
                    theirs.add(b);
                } else {
                    warmUpFailures[0] += a.failure == null ? 0 : 1;
                    warmUpFailures[1] += b.failure == null ? 0 : 1;
                    warmUpAborts[0] += a.aborts;
                    warmUpAborts[1] += b.aborts;
                }
            }
            print(s.name, "outpost", ours, warmUpFailures[0], warmUpAborts[0]);
            print("", "bacnet4j", theirs, warmUpFailures[1], warmUpAborts[1]);
        }
    }

    @FunctionalInterface
    private interface Poll {
        void run() throws Exception;
    }

    private static Cycle measure(BacnetSimulator sim, LocalDevice local, Poll poll) throws Exception {
        int requestsBefore = sim.requests().size();
        int abortsBefore = sim.abortedReadPropertyMultiples();
        long bytesBefore = local.getBytesIn() + local.getBytesOut();
        long start = System.nanoTime();
        String failure = null;
        try {
            poll.run();
        } catch (Exception e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        long nanos = System.nanoTime() - start;
        return new Cycle(nanos, sim.requests().size() - requestsBefore, local.getBytesIn() + local.getBytesOut() - bytesBefore,
                sim.abortedReadPropertyMultiples() - abortsBefore, failure);
    }

    private static void check(long read, int expected) {
        if (read != expected) {
            throw new IllegalStateException("read " + read + " of " + expected + " values");
        }
    }

    /** Failed polls and aborted requests are counted over every poll, the warm-up ones included. */
    private static void print(String scenario, String reader, List<Cycle> cycles, int warmUpFailures, int warmUpAborts) {
        long[] nanos = cycles.stream().mapToLong(Cycle::nanos).sorted().toArray();
        double p50 = nanos[nanos.length / 2] / 1e6;
        double p90 = nanos[(int) (nanos.length * 0.9)] / 1e6;
        System.out.printf("%-45s %-10s %9.2f %9.2f %9.1f %10.0f %8d %8d%n", scenario, reader, p50, p90,
                cycles.stream().mapToInt(Cycle::requests).average().orElse(0),
                cycles.stream().mapToLong(Cycle::bytes).average().orElse(0),
                cycles.stream().filter(c -> c.failure != null).count() + warmUpFailures,
                cycles.stream().mapToInt(Cycle::aborts).sum() + warmUpAborts);
        cycles.stream().map(Cycle::failure).filter(f -> f != null).findFirst()
                .ifPresent(f -> System.out.println("    first failure: " + f));
    }
}
