package io.outpost.bench.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.bench.jmh.ReadingPathRig;
import io.outpost.core.message.Message;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.report.PointState;
import io.outpost.core.report.ReportFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Disk bytes per queued point reading, and so how many hours of outage a store holds: the real reading path
 * ({@link ReadingPathRig}, upstream unreachable, deadband off) fed {@code --seconds} polls of {@code --devices} x 100
 * float32 points, one poll a second on a simulated clock (values: random walks with two decimals, as a level or a
 * temperature); then the store's files are measured. Run:
 * <pre>java -cp bench/target/classes:$(cat bench/target/bench-classpath.txt) io.outpost.bench.store.StoreFootprint
 *     [--devices 100] [--seconds 60] [--uplink per-point|cbor-batch]</pre>
 */
public final class StoreFootprint {

    private static final int POINTS = 100;
    private static final long STORE_BYTES = 512L << 20;

    private StoreFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int devices = intArg(args, "--devices", 100);
        int seconds = intArg(args, "--seconds", 60);
        String uplink = stringArg(args, "--uplink", "per-point");
        Path dir = Files.createTempDirectory("store-footprint");
        long readings = 0;
        try (ReadingPathRig rig = new ReadingPathRig(dir, uplink, devices, POINTS, new SimpleMeterRegistry())) {
            SplittableRandom random = new SplittableRandom(42);
            double[][] level = new double[devices][POINTS];
            long start = System.currentTimeMillis();
            for (int s = 0; s < seconds; s++) {
                long now = start + s * 1000L;
                long nanos = s * 1_000_000_000L;
                List<CompletableFuture<?>> durable = new ArrayList<>();
                for (int d = 0; d < devices; d++) {
                    PointState[] states = rig.devices().get(d);
                    List<Message> poll = new ArrayList<>(states.length);
                    for (int p = 0; p < states.length; p++) {
                        level[d][p] = Math.round((level[d][p] + random.nextDouble(-0.5, 0.5)) * 100) / 100.0;
                        // A device reads within its poll, a few milliseconds apart.
                        Sample sample = Sample.good(states[p].ref(), Value.ofFloat32((float) level[d][p]), now + d % 50);
                        Message m = ReportFilter.offer(states[p], sample, now + d % 50, nanos);
                        if (m != null) {
                            poll.add(m);
                        }
                    }
                    readings += poll.size();
                    durable.add(rig.engine().publish(poll).toCompletableFuture());
                }
                CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).join();
            }
        }
        long bytes = queueBytes(dir);
        double perReading = (double) bytes / readings;
        double rate = devices * POINTS;
        System.out.printf(Locale.ROOT, "STORE uplink=%s points=%d seconds=%d readings=%d queue_bytes=%d bytes_per_reading=%.2f"
                        + " autonomy_hours_512MB_at_%.0f_per_s=%.2f%n", uplink, devices * POINTS, seconds, readings, bytes,
                perReading, rate, STORE_BYTES / perReading / rate / 3600);
        ReadingPathRig.deleteTree(dir);
    }

    /** Every file of the upstream's store (segments, route table, state journal): all but the broker's and the config. */
    private static long queueBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> !dir.relativize(f).startsWith("broker"))
                    .filter(f -> !f.getFileName().toString().equals("bench.yaml"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }


    private static int intArg(String[] args, String name, int otherwise) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(otherwise)));
    }

    private static String stringArg(String[] args, String name, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }
}
