package io.outpost.mqtt.internal.bridge.bench;

import io.outpost.core.message.PayloadFormats;
import io.outpost.mqtt.bridge.config.PriorityClass;
import io.outpost.mqtt.bridge.config.StoreConfig;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import io.outpost.mqtt.internal.bridge.store.Removal;
import io.outpost.mqtt.internal.bridge.store.SegmentStore;
import io.outpost.mqtt.internal.bridge.store.StoreCursor;
import io.outpost.mqtt.internal.bridge.store.StoreListener;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Durable appends per second: the bridge's segment store against SQLite in WAL mode, under each sync policy, in
 * one run. A message is counted once its stage completed, i.e. once it was flushed to stable storage. Two loads:
 * {@code pipelined} keeps 10,000 appends in flight (the broker's many publishers and the core's hand-over window),
 * {@code oneByOne} waits for each before the next (one publisher with one message in flight).
 *
 * <p>Run with {@code mqtt-engine/bench/bridge-bench.sh store}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StoreAppendBenchmark {

    private static final int PIPELINE = 10_000;

    @Param({"segment", "sqlite"})
    public String store;

    @Param({"group-commit", "every-message"})
    public String sync;

    @Param({"200"})
    public int payloadBytes;

    private Path dir;
    private Function<Queued, CompletableFuture<Void>> append;
    private Supplier<Integer> drain;
    private AutoCloseable closer;
    private Queued message;

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))), "store-bench");
        SyncPolicy policy = sync.equals("every-message") ? SyncPolicy.EVERY_MESSAGE : SyncPolicy.GROUP_COMMIT;
        message = Queued.of(0, "sites/north-field/tank-farm/level", new byte[payloadBytes], 1, System.currentTimeMillis());
        if (store.equals("segment")) {
            StoreConfig config = new StoreConfig(64L << 30, null, policy, Duration.ofMillis(10),
                    List.of(new PriorityClass(PriorityClass.DEFAULT_NAME, List.of(), 1, PriorityClass.OverflowPolicy.DROP_OLDEST)));
            SegmentStore s = SegmentStore.open(dir, "bench", config, StoreListener.NONE, Clock.systemUTC(),
                    PayloadFormats.standard());
            append = m -> s.append(m.batch(s));
            drain = () -> {
                int n = 0;
                try (StoreCursor c = s.cursor(0)) {
                    StoredRecord r;
                    while ((r = c.peek()) != null) {
                        c.advance();
                        s.take(r.ref());
                        s.remove(r.ref(), Removal.ACKED);
                        n++;
                    }
                }
                return n;
            };
            closer = s;
        } else {
            SqliteQueue q = new SqliteQueue(dir.resolve("queue.db"), policy, TimeUnit.MILLISECONDS.toNanos(10));
            append = q::append;
            drain = () -> q.drain(0).join();
            closer = q;
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        closer.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public void pipelined() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[PIPELINE];
        for (int i = 0; i < PIPELINE; i++) {
            all[i] = append.apply(message);
        }
        CompletableFuture.allOf(all).join();
    }

    /** Append, then deliver: read in order and remove, as the upstream's acknowledgements do. */
    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public int appendAndDeliver() {
        pipelined();
        int n = drain.get();
        if (n != PIPELINE) {
            throw new IllegalStateException("delivered " + n + " of " + PIPELINE);
        }
        return n;
    }

    @Benchmark
    public void oneByOne() {
        append.apply(message).join();
    }
}
