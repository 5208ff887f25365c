package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.log.LogThrottle;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageRejectedException;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's only writer: one thread that takes appends and QoS 2 marks from a queue, writes them in batches,
 * flushes per the sync policy and only then completes their stages; it also writes removals to the journal, deletes
 * segment files nothing refers to any more, drops expired segments and compacts the journal. Owning all file writes
 * on one thread keeps the files free of interleaving without locks around IO.
 */
final class SegmentWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentWriter.class);
    /** Sealed segments and new directories with nothing waiting for them are flushed at least this often. */
    private static final long IDLE_SYNC_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_OPS_PER_BATCH = 20_000;
    private static final Object WAKE = new Object();
    private static final Object CLOSE = new Object();

    /** One {@link MessageStore#append} call: its messages, the sequence of its first, and the stage to complete. */
    record AppendOp(AppendBatch batch, long firstSeq, CompletableFuture<Void> done, long bytes) {
    }

    record MarkOp(List<Qos2Mark> marks, CompletableFuture<Void> done) {
    }

    /** A record buffered for its segment: where it goes and what it holds, for the index and the tail. */
    private record Pending(int offset, int length, int items, long receivedAt, long expiresAt, AppendOp op, int from,
                           int to, long firstSeq) {
    }

    /** The records buffered for one segment in this round, encoded one after the other. */
    private static final class Buffered {
        ByteBuffer bytes;
        final List<Pending> records = new ArrayList<>();

        Buffered(ByteBuffer reuse) {
            this.bytes = reuse;
        }
    }

    private final StoreFiles files;
    private final LongSupplier nanoTime;
    private final StoreIndex index;
    private final StateJournal journal;
    private final StoreListener listener;
    private final SyncPolicy sync;
    private final long groupCommitNanos;
    private final long maxAgeMillis;
    private final long segmentTarget;
    private final Clock clock;
    private final String name;
    private final long epoch;
    private final RouteTable routes;
    private final RecordTail[] tails;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** See {@link #idle()}. */
    private volatile boolean idle;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final LogThrottle throttle = new LogThrottle(TimeUnit.MINUTES.toNanos(1));
    private long nextSegmentId;

    private final Map<Segment, Buffered> buffered = new LinkedHashMap<>();
    /** Buffers of finished rounds, reused (the writer's only large allocations). */
    private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
    private ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);
    /** Records written and not yet flushed: they go to the tails once durable. */
    private final List<RecordTail.Entry> unflushed = new ArrayList<>();
    private final Set<Segment> dirty = new HashSet<>();
    private final Set<Path> dirtyDirs = new HashSet<>();
    /** Directories with segment files deleted since the journal was last rewritten (see compactJournal). */
    private final Set<Path> unlinkedDirs = new HashSet<>();
    private final List<CompletableFuture<Void>> waitingAppends = new ArrayList<>();
    private final List<CompletableFuture<Void>> waitingMarks = new ArrayList<>();
    private long lastSyncNanos;
    /** The last flush of the journal failed: removals are retried at the idle pace, not in a tight loop. */
    private boolean journalFailing;
    private long lastSweepNanos;
    private volatile boolean closed;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    /**
     * @param nanoTime the monotonic time its flush and sweep intervals are measured in ({@code System::nanoTime};
     *                 a test's own when it steps the writer itself)
     */
    SegmentWriter(String name, long epoch, StoreFiles files, StoreIndex index, StateJournal journal, RouteTable routes,
                  RecordTail[] tails, StoreListener listener, SyncPolicy sync, long groupCommitNanos,
                  long maxAgeMillis, long segmentTarget, long nextSegmentId, Clock clock, LongSupplier nanoTime) {
        this.files = files;
        this.nanoTime = nanoTime;
        this.lastSyncNanos = nanoTime.getAsLong();
        this.lastSweepNanos = lastSyncNanos;
        this.name = name;
        this.epoch = epoch;
        this.routes = routes;
        this.tails = tails;
        this.index = index;
        this.journal = journal;
        this.listener = listener;
        this.sync = sync;
        this.groupCommitNanos = groupCommitNanos;
        this.maxAgeMillis = maxAgeMillis;
        this.segmentTarget = segmentTarget;
        this.nextSegmentId = nextSegmentId;
        this.clock = clock;
    }

    /** Bytes of appends waiting for this thread. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    boolean submit(AppendOp op) {
        if (closed) {
            return false;
        }
        queuedBytes.addAndGet(op.bytes());
        queue.add(op);
        return true;
    }

    boolean submit(MarkOp op) {
        if (closed) {
            return false;
        }
        queue.add(op);
        return true;
    }

    /** Asks the thread to look at the index (removals, deletions) soon. */
    void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            queue.offer(WAKE);
        }
    }

    /** Finishes what was queued, flushes, and stops; returns when done. */
    void close() {
        closed = true;
        queue.add(CLOSE);
        stopped.join();
    }

    /** {@link #close()} for a writer whose thread was never started: runs the last rounds on the calling thread. */
    void closeStepped() {
        closed = true;
        queue.add(CLOSE);
        while (step()) {
            // Rounds until the CLOSE is taken; each round does what was queued before it.
        }
    }

    @Override
    public void run() {
        List<Object> ops = new ArrayList<>();
        boolean stop = false;
        try {
            while (!stop) {
                Object first = queue.poll(pollNanos(), TimeUnit.NANOSECONDS);
                idle = false;
                wakeQueued.set(false);
                if (first != null) {
                    ops.add(first);
                    queue.drainTo(ops, MAX_OPS_PER_BATCH);
                }
                stop = round(ops);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("store {}: writer failed; appends are refused from now on", name, e);
            throw e;
        } finally {
            finish(ops);
        }
    }

    /**
     * Runs one round on the calling thread with what is queued now, without waiting: for a test that drives the
     * writer itself (with its own time) instead of starting its thread, so that every run of a seed does the same
     * file operations in the same order. False once the writer stopped.
     */
    boolean step() {
        if (stopped.isDone()) {
            return false;
        }
        List<Object> ops = new ArrayList<>();
        wakeQueued.set(false);
        queue.drainTo(ops, MAX_OPS_PER_BATCH);
        boolean stop = true;
        try {
            stop = round(ops);
        } catch (RuntimeException | Error e) {
            LOG.error("store {}: writer failed; appends are refused from now on", name, e);
            throw e;
        } finally {
            if (stop) {
                finish(ops);
            }
        }
        return !stop;
    }

    /** Applies {@code ops} and does the round's writes, flush and housekeeping; true when asked to stop. */
    private boolean round(List<Object> ops) {
        boolean stop = false;
        for (Object op : ops) {
            if (op == CLOSE) {
                stop = true;
            } else if (op instanceof AppendOp a) {
                queuedBytes.addAndGet(-a.bytes());
                append(a);
            } else if (op instanceof MarkOp m) {
                mark(m);
            }
        }
        ops.clear();
        writeBuffered();
        writeJournal();
        maybeSync(stop);
        unlink();
        maintain();
        return stop;
    }

    private void finish(List<Object> ops) {
        closed = true;
        failAll(ops);
        List<Object> rest = new ArrayList<>();
        queue.drainTo(rest);
        failAll(rest);
        closeFiles();
        stopped.complete(null);
    }

    private long pollNanos() {
        long now = nanoTime.getAsLong();
        long next = lastSweepNanos + SWEEP_NANOS;
        // Set before the index is asked: a removal made after that look sees the flag and wakes the writer.
        idle = true;
        if (!waitingAppends.isEmpty() || !waitingMarks.isEmpty()) {
            next = Math.min(next, lastSyncNanos + groupCommitNanos);
            idle = false;
        } else if (journal.unflushed() || index.hasRemovals()) {
            next = Math.min(next, lastSyncNanos + removalInterval());
            idle = false;
        } else if (!dirty.isEmpty() || !dirtyDirs.isEmpty()) {
            next = Math.min(next, lastSyncNanos + IDLE_SYNC_NANOS);
        }
        return Math.max(0, next - now);
    }

    /**
     * True while the writer sleeps with no journal work due within the group commit: only then does a removal need
     * to {@link #wake} it. Any thread.
     */
    boolean idle() {
        return idle;
    }

    // ------------------------------------------------------------------ appends

    /**
     * Encodes an append's messages into records (a run of readings of one class becomes one record) and buffers them
     * for their segments; written at the end of the round. All or nothing: an append that does not fit is refused.
     */
    private void append(AppendOp op) {
        AppendBatch b = op.batch();
        List<int[]> runs = runs(b);
        long[] perClass = new long[index.classes().size()];
        scratch.clear();
        int[] lengths = new int[runs.size()];
        for (int r = 0; r < runs.size(); r++) {
            int[] run = runs.get(r);
            int before = scratch.position();
            encode(b, run, op.firstSeq());
            lengths[r] = scratch.position() - before;
            perClass[run[2]] += lengths[r];
        }
        for (int ci = 0; ci < perClass.length; ci++) {
            if (perClass[ci] > 0 && !makeRoom(ci, perClass[ci])) {
                op.done().completeExceptionally(new MessageRejectedException("store-full", "the queue of upstream "
                        + name + " is full and holds nothing that may be evicted for this message"));
                return;
            }
        }
        int at = 0;
        for (int r = 0; r < runs.size(); r++) {
            int[] run = runs.get(r);
            int length = lengths[r];
            Segment s;
            try {
                s = activeSegment(run[2], length);
            } catch (IOException e) {
                undo(op);
                fail(op, e);
                return;
            }
            index.reserve(length);
            Buffered buf = buffered.computeIfAbsent(s, k -> new Buffered(spareBuffer()));
            buf.bytes = ensure(buf.bytes, length);
            int offset = (int) (s.size + s.bufferedBytes);
            buf.bytes.put(scratch.array(), at, length);
            at += length;
            s.bufferedBytes += length;
            long receivedAt = Long.MAX_VALUE;
            long expiresAt = Long.MIN_VALUE;
            for (int i = run[0]; i < run[1]; i++) {
                Message m = b.messages[i];
                receivedAt = Math.min(receivedAt, m.receivedAtMillis());
                Long expiry = m.messageExpirySeconds();
                expiresAt = Math.max(expiresAt, expiry == null ? Long.MAX_VALUE : m.receivedAtMillis() + expiry * 1000);
            }
            buf.records.add(new Pending(offset, length, run[1] - run[0], receivedAt, expiresAt, op, run[0], run[1],
                    op.firstSeq() + run[0]));
        }
        waitingAppends.add(op.done());
    }

    /** Runs of an append that go into one record each: {from, to, class}; readings of one class share one. */
    private static List<int[]> runs(AppendBatch b) {
        List<int[]> runs = new ArrayList<>(2);
        int i = 0;
        while (i < b.size) {
            int from = i;
            int ci = b.classes[i];
            i++;
            if (b.routeIndexes[from] >= 0) {
                while (i < b.size && b.routeIndexes[i] >= 0 && b.classes[i] == ci) {
                    i++;
                }
            }
            runs.add(new int[] {from, i, ci});
        }
        return runs;
    }

    /** Encodes one run into {@link #scratch}. */
    private void encode(AppendBatch b, int[] run, long firstSeq) {
        int from = run[0];
        if (b.routeIndexes[from] >= 0) {
            scratch = ensure(scratch, ReadingRecords.maxLength(b.messages, from, run[1]));
            ReadingRecords.encode(scratch, epoch, firstSeq + from, b.messages, b.routeIndexes, from, run[1]);
        } else {
            scratch = ensure(scratch, MessageRecords.maxLength(b.messages[from], b.routes[from]));
            MessageRecords.encode(scratch, epoch, firstSeq + from, b.messages[from], b.routes[from]);
        }
    }

    /** Evicts for {@code bytes} more in class {@code ci}; false when that cannot be done. */
    private boolean makeRoom(int ci, long bytes) {
        List<StoreIndex.Drop> drops = index.makeRoom(ci, bytes, buffered.keySet());
        if (drops == null && !buffered.isEmpty()) {
            // Segments being written cannot be evicted: write them, then try again.
            writeBuffered();
            drops = index.makeRoom(ci, bytes, Set.of());
        }
        report(drops);
        return drops != null;
    }

    /** Takes back what an append buffered before it failed. */
    private void undo(AppendOp op) {
        long undone = 0;
        for (Map.Entry<Segment, Buffered> held : buffered.entrySet()) {
            Buffered buf = held.getValue();
            List<Pending> kept = new ArrayList<>();
            ByteBuffer rebuilt = spareBuffer();
            int read = 0;
            for (Pending p : buf.records) {
                if (p.op() == op) {
                    undone += p.length();
                } else {
                    rebuilt = ensure(rebuilt, p.length());
                    rebuilt.put(buf.bytes.array(), read, p.length());
                    kept.add(p);
                }
                read += p.length();
            }
            if (kept.size() != buf.records.size()) {
                held.getKey().bufferedBytes = rebuilt.position();
                // The records kept move down: their offsets are recomputed from the segment's size.
                List<Pending> moved = new ArrayList<>();
                int offset = (int) held.getKey().size;
                for (Pending p : kept) {
                    moved.add(new Pending(offset, p.length(), p.items(), p.receivedAt(), p.expiresAt(), p.op(),
                            p.from(), p.to(), p.firstSeq()));
                    offset += p.length();
                }
                buf.records.clear();
                buf.records.addAll(moved);
                spare.add(buf.bytes.clear());
                buf.bytes = rebuilt;
            } else {
                spare.add(rebuilt.clear());
            }
        }
        index.unreserve(undone);
    }

    private ByteBuffer spareBuffer() {
        ByteBuffer b = spare.poll();
        return b != null ? b : ByteBuffer.allocate(64 * 1024);
    }

    private static ByteBuffer ensure(ByteBuffer b, int more) {
        if (b.remaining() >= more) {
            return b;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + more));
        b.flip();
        bigger.put(b);
        return bigger;
    }

    /** The class's segment to append {@code length} bytes to, rolling to a new file when the current one is full. */
    private Segment activeSegment(int classIndex, int length) throws IOException {
        StoreIndex.ClassState c = index.classState(classIndex);
        Segment s;
        synchronized (index) {
            s = c.active;
        }
        if (s != null) {
            if (s.size + s.bufferedBytes + length <= segmentTarget || s.size + s.bufferedBytes == 0) {
                return s;
            }
            writeBuffered();
            index.seal(s);
            dirty.add(s);
        }
        DurableDirectories.create(files, c.dir);
        Segment fresh = new Segment(nextSegmentId++, classIndex, SegmentFiles.segmentPath(c.dir, nextSegmentId - 1));
        fresh.channel = files.create(fresh.path);
        fresh.latestExpiry = Long.MIN_VALUE;
        index.addSegment(fresh);
        synchronized (index) {
            c.active = fresh;
        }
        dirtyDirs.add(c.dir);
        return fresh;
    }

    /**
     * Writes the route table's new entries, then every buffered record to its segment; a failed write is cut off
     * and fails its appends.
     */
    private void writeBuffered() {
        if (buffered.isEmpty()) {
            return;
        }
        IOException routeFailure = null;
        try {
            routes.writePending();
        } catch (IOException e) {
            routeFailure = e;
        }
        for (Map.Entry<Segment, Buffered> e : buffered.entrySet()) {
            Segment s = e.getKey();
            Buffered buf = e.getValue();
            s.bufferedBytes = 0;
            ByteBuffer bytes = buf.bytes.flip();
            long total = bytes.remaining();
            try {
                if (routeFailure != null) {
                    throw routeFailure;
                }
                if (s.deleted || s.channel == null) {
                    throw new IOException("segment " + s + " was closed before its records were written");
                }
                long written = 0;
                while (written < total) {
                    written += s.channel.write(bytes, s.size + written);
                }
                s.size += total;
                listener.written(total);
                for (Pending p : buf.records) {
                    index.appended(s, p.length(), p.items(), p.receivedAt(), p.expiresAt());
                    AppendBatch b = p.op().batch();
                    unflushed.add(new RecordTail.Entry(s.classIndex, s.id, p.offset(), p.length(), epoch,
                            p.firstSeq(), b.messages, b.routes, p.from(), p.to()));
                }
                dirty.add(s);
            } catch (IOException ex) {
                cutBack(s);
                index.unreserve(total);
                for (Pending p : buf.records) {
                    fail(p.op(), ex);
                }
            }
            spare.add(bytes.clear());
        }
        buffered.clear();
    }

    /** Truncates a segment to what was written before a failed write, so no partial record stays. */
    private void cutBack(Segment s) {
        try {
            if (s.channel != null) {
                s.channel.truncate(s.size);
            }
        } catch (IOException e) {
            // Recovery would cut the partial record off anyway (its checksum fails); appends go on after it.
            LOG.warn("store {}: could not cut a partial record off {}: {}", name, s, e.toString());
        }
    }

    private void fail(AppendOp op, IOException e) {
        if (op.done().isDone()) {
            return;
        }
        String reason = isDiskFull(e) ? "disk-full" : "store-error";
        // Logged before the publisher hears of it, so the log line is there by the time anyone looks.
        long held = throttle.pass(reason, nanoTime.getAsLong());
        if (held >= 0) {
            LOG.warn("store {}: refusing messages ({}): {}{}", name, reason, e.getMessage(),
                    held > 0 ? " [" + held + " more refused in the last minute]" : "");
        }
        op.done().completeExceptionally(new MessageRejectedException(reason, "upstream " + name
                + ": cannot write the queue: " + e.getMessage()));
    }

    private boolean isDiskFull(IOException e) {
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return text.contains("no space left") || text.contains("disk quota");
    }

    // ------------------------------------------------------------------ journal and sync

    private void mark(MarkOp op) {
        for (Qos2Mark m : op.marks()) {
            journal.qos2(m);
        }
        index.putMarks(op.marks());
        waitingMarks.add(op.done());
    }

    private void writeJournal() {
        index.drainRemovalsTo(journal);
        try {
            journal.write();
        } catch (IOException e) {
            // The entries stay buffered and are written with the next batch; marks wait for them.
            LOG.warn("store {}: cannot write the journal yet ({}); retrying", name, e.getMessage());
        }
    }

    private void maybeSync(boolean force) {
        long now = nanoTime.getAsLong();
        boolean due;
        if (!waitingAppends.isEmpty() || !waitingMarks.isEmpty()) {
            due = force || sync == SyncPolicy.EVERY_MESSAGE || now - lastSyncNanos >= groupCommitNanos;
        } else if (journal.unflushed()) {
            // Removals ride the same group commit as appends and marks: an acknowledged message is durably gone
            // within one interval, so a power cut resends at most the upstream's in-flight window and the
            // acknowledgements of one interval, never a backlog. One flush covers every removal of the interval.
            due = force || now - lastSyncNanos >= removalInterval();
        } else {
            due = (!dirty.isEmpty() || !dirtyDirs.isEmpty()) && (force || now - lastSyncNanos >= IDLE_SYNC_NANOS);
        }
        if (due) {
            syncNow();
        }
    }

    /** How long removals wait for their flush: the group commit, or longer while the journal's flushes fail. */
    private long removalInterval() {
        return journalFailing ? IDLE_SYNC_NANOS : groupCommitNanos;
    }

    private void syncNow() {
        IOException segmentFailure = null;
        IOException journalFailure = null;
        try {
            // The routes first: a durable record must find its route after a power cut.
            routes.force();
            for (Segment s : dirty) {
                if (s.channel != null) {
                    s.channel.force();
                }
            }
            for (Path dir : dirtyDirs) {
                files.forceDirectory(dir);
            }
        } catch (IOException e) {
            segmentFailure = e;
        }
        try {
            if (journal.needsRewrite()) {
                compactJournal();
            } else {
                if (journal.hasPending()) {
                    journal.write();
                }
                journal.force();
            }
        } catch (IOException e) {
            journalFailure = e;
        }
        journalFailing = journalFailure != null;
        lastSyncNanos = nanoTime.getAsLong();
        boolean readable = false;
        if (segmentFailure == null) {
            // Readable (by cursors) before acknowledged, so an acknowledged message can always be read back.
            for (Segment s : dirty) {
                s.durableEnd = s.size;
                if (s.sealed && s.channel != null) {
                    closeQuietly(s);
                }
            }
            readable = !dirty.isEmpty();
            dirty.clear();
            dirtyDirs.clear();
            for (RecordTail.Entry e : unflushed) {
                tails[e.classIndex()].add(e);
            }
        }
        if (segmentFailure != null) {
            abandonUnflushed();
        }
        unflushed.clear();
        // What is not known to be on stable storage must not be acknowledged: those waiters are refused and their
        // publishers retry; what failed stays dirty, so the next flush tries again. Appends need their segments,
        // QoS 2 marks the journal.
        settle(waitingAppends, segmentFailure);
        settle(waitingMarks, journalFailure);
        if (readable) {
            listener.readable();
        }
    }

    /**
     * After a failed flush the records written since the last good one may never reach the disk, even if a later
     * flush succeeds (Linux drops the pages of a failed writeback): they were refused, so they must also never be
     * handed out. Each dirty segment ends where it was last durable (cut back if the disk lets us) and takes no more
     * records; appends go on in a new one.
     */
    private void abandonUnflushed() {
        for (RecordTail.Entry e : unflushed) {
            Segment s = index.segment(e.segmentId());
            if (s != null) {
                index.unappended(s, e.length(), e.items());
            }
        }
        for (Segment s : dirty) {
            if (s.size > s.durableEnd && !s.deleted) {
                long cut = s.size - s.durableEnd;
                s.size = s.durableEnd;
                index.unreserve(cut);
                cutBack(s);
            }
            if (!s.deleted) {
                index.seal(s);
            }
        }
    }

    private void settle(List<CompletableFuture<Void>> waiters, IOException failure) {
        if (failure == null) {
            waiters.forEach(f -> f.complete(null));
        } else if (!waiters.isEmpty()) {
            String reason = isDiskFull(failure) ? "disk-full" : "store-error";
            long held = throttle.pass("flush-" + reason, nanoTime.getAsLong());
            if (held >= 0) {
                LOG.error("store {}: flush failed, refusing {} change(s) ({}): {}{}", name, waiters.size(), reason,
                        failure, held > 0 ? " [" + held + " more failed flushes in the last minute]" : "");
            }
            for (CompletableFuture<Void> f : waiters) {
                f.completeExceptionally(new MessageRejectedException(reason,
                        "upstream " + name + ": cannot flush the queue: " + failure.getMessage()));
            }
        }
        waiters.clear();
    }

    // ------------------------------------------------------------------ housekeeping

    private void unlink() {
        for (Segment s : index.drainUnlinks()) {
            dirty.remove(s);
            closeQuietly(s);
            unlinkedDirs.add(s.path.getParent());
            try {
                files.deleteIfExists(s.path);
            } catch (IOException e) {
                // Left behind, it only takes space: its records are all gone or counted as dropped, and recovery
                // finds nothing queued in it.
                LOG.warn("store {}: cannot delete {}: {}", name, s.path, e.toString());
            }
        }
    }

    private void maintain() {
        long now = nanoTime.getAsLong();
        if (now - lastSweepNanos >= SWEEP_NANOS) {
            lastSweepNanos = now;
            report(index.sweep(clock.millis(), maxAgeMillis));
            unlink();
        }
        if (journal.wantsCompaction()) {
            try {
                compactJournal();
            } catch (IOException e) {
                LOG.warn("store {}: journal compaction failed, the journal keeps growing: {}", name, e.toString());
            }
        }
    }

    /**
     * Rewrites the journal from the index. The rewrite leaves out the entries of segments whose files were unlinked,
     * so those deletions are flushed first: a segment a power cut brought back must still find its removals. Segments
     * the index deleted that are not unlinked yet keep their entries ({@link StoreIndex#removedSnapshot}).
     */
    private void compactJournal() throws IOException {
        for (var it = unlinkedDirs.iterator(); it.hasNext(); ) {
            files.forceDirectory(it.next());
            it.remove();
        }
        index.drainRemovalsTo(journal);
        journal.compact(index.removedSnapshot(), index.marksSnapshot());
    }

    private void report(List<StoreIndex.Drop> drops) {
        if (drops == null) {
            return;
        }
        for (StoreIndex.Drop d : drops) {
            if (d.messages() > 0) {
                listener.dropped(d.removal().reason(), d.messages());
            }
        }
    }

    private void failAll(List<Object> ops) {
        for (Object op : ops) {
            MessageRejectedException closedEx = new MessageRejectedException("closed", "upstream " + name + " is closed");
            if (op instanceof AppendOp a) {
                a.done().completeExceptionally(closedEx);
            } else if (op instanceof MarkOp m) {
                m.done().completeExceptionally(closedEx);
            }
        }
        for (CompletableFuture<Void> f : waitingAppends) {
            f.completeExceptionally(new MessageRejectedException("closed", "upstream " + name + " is closed"));
        }
        for (CompletableFuture<Void> f : waitingMarks) {
            f.completeExceptionally(new MessageRejectedException("closed", "upstream " + name + " is closed"));
        }
        waitingAppends.clear();
        waitingMarks.clear();
    }

    private void closeFiles() {
        for (Segment s : index.segments()) {
            closeQuietly(s);
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("store {}: closing the journal: {}", name, e.toString());
        }
    }

    private void closeQuietly(Segment s) {
        if (s.channel == null) {
            return;
        }
        try {
            s.channel.close();
        } catch (IOException e) {
            // Everything written was flushed or is refused; a failed close loses nothing more.
            LOG.warn("store {}: closing {}: {}", name, s, e.toString());
        }
        s.channel = null;
    }
}
