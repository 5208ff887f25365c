package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.MessageRejectedException;
import io.outpost.core.message.PayloadFormats;
import io.outpost.mqtt.bridge.config.StoreConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store the bridge uses: per class, a sequence of append-only segment files of checksummed records, plus one
 * journal of removals and QoS 2 state (see {@link RecordCodec}, {@link StateJournal}). Chosen over SQLite by
 * measurement (BENCHMARKS.md, "Bridge and store"): appends are sequential writes with no index to maintain, a
 * delivered segment is deleted as a whole, and a flush covers every append waiting for it.
 *
 * <p>Files under the store's directory: {@code lock} (held while open, so two processes never share a queue),
 * {@code state.log}, and {@code <class>/<segment id>.seg}.
 */
public final class SegmentStore implements MessageStore {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentStore.class);
    /** Appends waiting for the writer beyond this many bytes are refused ({@code store-busy}): the disk is too slow. */
    static final long MAX_QUEUED_BYTES = 64L << 20;
    /** Records and messages each class keeps in memory after they are durable, for the sender (see RecordTail). */
    static final int TAIL_RECORDS = 1024;
    static final int TAIL_MESSAGES = 16_384;

    private final String name;
    private final StoreListener listener;
    private final StoreIndex index;
    private final RouteTable routes;
    private final PayloadFormats formats;
    private final RecordTail[] tails;
    private final LongAdder diskReads = new LongAdder();
    private final SegmentWriter writer;
    private final Thread writerThread;
    private final StoreFiles files;
    private final AutoCloseable lock;
    private final long epoch;
    private final AtomicLong nextSeq;
    private final long maxRecordBytes;
    private final List<Handshake> handshakes;
    private volatile boolean closed;

    private SegmentStore(String name, StoreListener listener, StoreIndex index, RouteTable routes, PayloadFormats formats,
                         RecordTail[] tails, SegmentWriter writer, StoreFiles files, AutoCloseable lock,
                         long epoch, long nextSeq, long maxRecordBytes, List<Handshake> handshakes) {
        this.name = name;
        this.listener = listener;
        this.index = index;
        this.routes = routes;
        this.formats = formats;
        this.tails = tails;
        this.writer = writer;
        this.files = files;
        this.lock = lock;
        this.epoch = epoch;
        this.nextSeq = new AtomicLong(nextSeq);
        this.maxRecordBytes = maxRecordBytes;
        this.handshakes = List.copyOf(handshakes);
        this.writerThread = new Thread(writer, "outpost-store-" + name);
        this.writerThread.setDaemon(true);
    }

    /**
     * Opens (creating or recovering) the store in {@code dir} and starts its writer thread. Blocks for the
     * recovery, which reads every segment once.
     *
     * @throws IOException when the directory cannot be used, or another process holds it
     */
    public static SegmentStore open(Path dir, String name, StoreConfig config, StoreListener listener, Clock clock,
                                    PayloadFormats formats) throws IOException {
        SegmentStore store = open(new ChannelStoreFiles(), dir, name, config, listener, clock, formats, System::nanoTime);
        store.writerThread.start();
        return store;
    }

    /**
     * Opens the store on {@code files} without starting its writer thread: the caller starts it, or (a test) steps
     * the writer itself with {@link #stepWriter()} and its own {@code nanoTime}.
     */
    static SegmentStore open(StoreFiles files, Path dir, String name, StoreConfig config, StoreListener listener,
                             Clock clock, PayloadFormats formats, LongSupplier nanoTime) throws IOException {
        DurableDirectories.create(files, dir);
        AutoCloseable lock = files.tryLock(dir.resolve("lock"));
        if (lock == null) {
            throw new IOException("the queue in " + dir + " is in use by another gateway process (or another upstream "
                    + "of this one); each upstream needs its own");
        }
        RouteTable routes = null;
        StateJournal journal = null;
        try {
            journal = StateJournal.open(files, dir);
            routes = RouteTable.open(files, dir, formats);
            StoreRecovery.Result r = new StoreRecovery(files, dir, name, config, routes, formats)
                    .recover(journal.takeContents());
            journal.compact(r.index().removedSnapshot(), r.index().marksSnapshot());
            // The epoch names this run's messages; after a clock that went back (a box without RTC) it still grows.
            long epoch = Math.max(clock.millis(), r.maxEpoch() + 1);
            long segmentTarget = Math.max(64L << 10, Math.min(64L << 20, config.maxBytes() / 16));
            long groupCommit = config.sync() == StoreConfig.SyncPolicy.GROUP_COMMIT ? config.groupCommitInterval().toNanos() : 0;
            RecordTail[] tails = new RecordTail[r.index().classes().size()];
            for (int i = 0; i < tails.length; i++) {
                tails[i] = new RecordTail(TAIL_RECORDS, TAIL_MESSAGES);
            }
            SegmentWriter writer = new SegmentWriter(name, epoch, files, r.index(), journal, routes, tails, listener,
                    config.sync(), groupCommit, config.maxAge() == null ? 0 : config.maxAge().toMillis(),
                    segmentTarget, r.nextSegmentId(), clock, nanoTime);
            return new SegmentStore(name, listener, r.index(), routes, formats, tails, writer, files, lock, epoch,
                    r.nextSeq(), config.maxBytes() / 4, r.handshakes());
        } catch (IOException | RuntimeException e) {
            closeAfterFailedOpen(journal, routes, lock, e);
            throw e;
        }
    }

    private static void closeAfterFailedOpen(StateJournal journal, RouteTable routes, AutoCloseable lock, Exception e) {
        for (AutoCloseable c : new AutoCloseable[] {journal, routes, lock}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
        }
    }

    /** One round of the writer on the calling thread (a store opened without its thread); false once closed. */
    boolean stepWriter() {
        return writer.step();
    }

    @Override
    public List<StoreClass> classes() {
        List<StoreClass> out = new ArrayList<>();
        index.classes().forEach(c -> out.add(c.info));
        return out;
    }

    @Override
    public CompletableFuture<Void> append(AppendBatch batch) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (closed) {
            return rejected("closed", "upstream " + name + " is closed");
        }
        for (int i = 0; i < batch.size; i++) {
            if (batch.routeIndexes[i] < 0) {
                int length = MessageRecords.maxLength(batch.messages[i], batch.routes[i]);
                if (length > maxRecordBytes) {
                    return rejected("too-large", "a message of " + length + " bytes is more than a quarter of the "
                            + "queue of upstream " + name);
                }
            }
        }
        if (writer.queuedBytes() > MAX_QUEUED_BYTES) {
            return rejected("store-busy", "the disk of upstream " + name + "'s queue is too slow for the message rate");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        long firstSeq = nextSeq.getAndAdd(batch.size);
        if (!writer.submit(new SegmentWriter.AppendOp(batch, firstSeq, done, batch.estimatedBytes()))) {
            return rejected("closed", "upstream " + name + " is closed");
        }
        return done;
    }

    @Override
    public int routeIndex(Route route) {
        return routes.indexOf(route);
    }

    private static CompletableFuture<Void> rejected(String reason, String message) {
        return CompletableFuture.failedFuture(new MessageRejectedException(reason, message));
    }

    @Override
    public StoreCursor cursor(int classIndex) {
        return new SegmentCursor(index, classIndex, name, routes, formats, files, tails[classIndex], diskReads::add,
                ref -> {
                    if (take(ref)) {
                        remove(ref, Removal.DAMAGED);
                    }
                });
    }

    /** Records read back from the segment files by cursors (a backlog, after a restart), since the store opened. */
    public long diskReads() {
        return diskReads.sum();
    }

    /** Durable records dropped from the in-memory tails before a cursor took them. */
    public long tailDropped() {
        long n = 0;
        for (RecordTail t : tails) {
            n += t.dropped();
        }
        return n;
    }

    /** Bytes of appends waiting for the writer thread (bounded by {@link #MAX_QUEUED_BYTES}). */
    public long queuedBytes() {
        return writer.queuedBytes();
    }

    @Override
    public boolean take(RecordRef ref) {
        return index.take(ref);
    }

    @Override
    public void remove(RecordRef ref, Removal removal) {
        StoreIndex.Drop drop = index.remove(ref, removal);
        if (drop == null) {
            return;
        }
        // A writer that will come back within the group commit takes the removal then: a wake-up per
        // acknowledgement (10,000 a second) cost more than the removals.
        if (writer.idle()) {
            writer.wake();
        }
        if (drop.messages() > 0) {
            listener.dropped(drop.removal().reason(), drop.messages());
        }
    }

    @Override
    public CompletableFuture<Void> mark(List<Qos2Mark> marks) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed || !writer.submit(new SegmentWriter.MarkOp(List.copyOf(marks), done))) {
            return rejected("closed", "upstream " + name + " is closed");
        }
        return done;
    }

    @Override
    public List<Handshake> recoveredHandshakes() {
        return handshakes;
    }

    @Override
    public StoreStats stats() {
        return index.stats();
    }

    /** The epoch of messages appended since this store was opened. */
    public long epoch() {
        return epoch;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (writerThread.getState() == Thread.State.NEW) {
            // Opened for a test that steps the writer itself: nobody else runs its last rounds.
            writer.closeStepped();
        } else {
            writer.close();
        }
        try {
            routes.close();
        } catch (IOException e) {
            // Everything it had to write was flushed by the writer before it stopped.
            LOG.warn("store {}: closing the route table: {}", name, e.toString());
        }
        try {
            lock.close();
        } catch (Exception e) {
            // The lock goes with the process anyway; a failed release only matters to this process.
            LOG.warn("store {}: releasing the lock: {}", name, e.toString());
        }
    }
}
