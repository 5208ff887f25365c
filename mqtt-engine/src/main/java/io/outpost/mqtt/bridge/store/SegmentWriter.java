package io.outpost.mqtt.bridge.store;

import io.outpost.core.message.MessageRejectedException;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import io.outpost.mqtt.bridge.health.LogThrottle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
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
    /** Removals and drops are flushed at least this often, bounding the resends after a power cut. */
    private static final long IDLE_SYNC_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_OPS_PER_BATCH = 20_000;
    private static final Object WAKE = new Object();
    private static final Object CLOSE = new Object();

    /** Encoded records of one {@link MessageStore#append} call. */
    record AppendOp(List<byte[]> records, List<QueuedMessage> messages, CompletableFuture<Void> done, long bytes) {
    }

    record MarkOp(List<Qos2Mark> marks, CompletableFuture<Void> done) {
    }

    private record Pending(byte[] record, QueuedMessage message, AppendOp op) {
    }

    private final StoreIndex index;
    private final StateJournal journal;
    private final StoreListener listener;
    private final SyncPolicy sync;
    private final long groupCommitNanos;
    private final long maxAgeMillis;
    private final long segmentTarget;
    private final Clock clock;
    private final String name;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final LogThrottle throttle = new LogThrottle(TimeUnit.MINUTES.toNanos(1));
    private long nextSegmentId;

    private final Map<Segment, List<Pending>> buffered = new LinkedHashMap<>();
    private final Set<Segment> dirty = new HashSet<>();
    private final Set<Path> dirtyDirs = new HashSet<>();
    private final List<CompletableFuture<Void>> waitingAppends = new ArrayList<>();
    private final List<CompletableFuture<Void>> waitingMarks = new ArrayList<>();
    private long lastSyncNanos = System.nanoTime();
    private long lastSweepNanos = System.nanoTime();
    private volatile boolean closed;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    SegmentWriter(String name, StoreIndex index, StateJournal journal, StoreListener listener, SyncPolicy sync,
                  long groupCommitNanos, long maxAgeMillis, long segmentTarget, long nextSegmentId, Clock clock) {
        this.name = name;
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

    @Override
    public void run() {
        List<Object> ops = new ArrayList<>();
        boolean stop = false;
        try {
            while (!stop) {
                Object first = queue.poll(pollNanos(), TimeUnit.NANOSECONDS);
                wakeQueued.set(false);
                if (first != null) {
                    ops.add(first);
                    queue.drainTo(ops, MAX_OPS_PER_BATCH);
                }
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
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("store {}: writer failed; appends are refused from now on", name, e);
            throw e;
        } finally {
            closed = true;
            failAll(ops);
            List<Object> rest = new ArrayList<>();
            queue.drainTo(rest);
            failAll(rest);
            closeFiles();
            stopped.complete(null);
        }
    }

    private long pollNanos() {
        long now = System.nanoTime();
        long next = lastSweepNanos + SWEEP_NANOS;
        if (!waitingAppends.isEmpty() || !waitingMarks.isEmpty()) {
            next = Math.min(next, lastSyncNanos + groupCommitNanos);
        } else if (journal.hasPending() || !dirty.isEmpty()) {
            next = Math.min(next, lastSyncNanos + IDLE_SYNC_NANOS);
        }
        return Math.max(0, next - now);
    }

    // ------------------------------------------------------------------ appends

    private void append(AppendOp op) {
        int classIndex = op.messages().get(0).classIndex();
        List<StoreIndex.Drop> drops = index.makeRoom(classIndex, op.bytes(), buffered.keySet());
        if (drops == null && !buffered.isEmpty()) {
            // Segments being written cannot be evicted: write them, then try again.
            writeBuffered();
            drops = index.makeRoom(classIndex, op.bytes(), Set.of());
        }
        report(drops);
        if (drops == null) {
            op.done().completeExceptionally(new MessageRejectedException("store-full", "the queue of upstream " + name
                    + " is full and holds nothing that may be evicted for this message"));
            return;
        }
        for (int i = 0; i < op.records().size(); i++) {
            byte[] record = op.records().get(i);
            QueuedMessage m = op.messages().get(i);
            Segment s;
            try {
                s = activeSegment(m.classIndex(), record.length);
            } catch (IOException e) {
                long undone = 0;
                for (Map.Entry<Segment, List<Pending>> held : buffered.entrySet()) {
                    long mine = 0;
                    for (Pending p : held.getValue()) {
                        mine += p.op() == op ? p.record().length : 0;
                    }
                    held.getValue().removeIf(p -> p.op() == op);
                    held.getKey().bufferedBytes -= mine;
                    undone += mine;
                }
                index.unreserve(undone);
                fail(op, e);
                return;
            }
            index.reserve(record.length);
            buffered.computeIfAbsent(s, k -> new ArrayList<>()).add(new Pending(record, m, op));
            s.bufferedBytes += record.length;
        }
        waitingAppends.add(op.done());
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
        DurableDirectories.create(c.dir);
        Segment fresh = new Segment(nextSegmentId++, classIndex, SegmentFiles.segmentPath(c.dir, nextSegmentId - 1));
        fresh.channel = FileChannel.open(fresh.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        fresh.latestExpiry = Long.MIN_VALUE;
        index.addSegment(fresh);
        synchronized (index) {
            c.active = fresh;
        }
        dirtyDirs.add(c.dir);
        return fresh;
    }

    /** Writes every buffered record to its segment; a failed write is cut off and fails its appends. */
    private void writeBuffered() {
        for (Map.Entry<Segment, List<Pending>> e : buffered.entrySet()) {
            Segment s = e.getKey();
            List<Pending> pending = e.getValue();
            s.bufferedBytes = 0;
            ByteBuffer[] parts = new ByteBuffer[pending.size()];
            long total = 0;
            for (int i = 0; i < parts.length; i++) {
                parts[i] = ByteBuffer.wrap(pending.get(i).record());
                total += parts[i].remaining();
            }
            try {
                if (s.deleted || s.channel == null) {
                    throw new IOException("segment " + s + " was closed before its records were written");
                }
                s.channel.position(s.size);
                long written = 0;
                while (written < total) {
                    written += s.channel.write(parts);
                }
                s.size += total;
                for (Pending p : pending) {
                    index.appended(s, p.record().length, p.message().receivedAtMillis(), p.message().expiresAtMillis());
                }
                dirty.add(s);
            } catch (IOException ex) {
                cutBack(s);
                index.unreserve(total);
                for (Pending p : pending) {
                    fail(p.op(), ex);
                }
            }
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
        long held = throttle.pass(reason, System.nanoTime());
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
        for (long[] r : index.drainRemovals()) {
            journal.removed(r[0], (int) r[1], (int) r[2]);
        }
        try {
            journal.write();
        } catch (IOException e) {
            // The entries stay buffered and are written with the next batch; marks wait for them.
            LOG.warn("store {}: cannot write the journal yet ({}); retrying", name, e.getMessage());
        }
    }

    private void maybeSync(boolean force) {
        long now = System.nanoTime();
        boolean due;
        if (!waitingAppends.isEmpty() || !waitingMarks.isEmpty()) {
            due = force || sync == SyncPolicy.EVERY_MESSAGE || now - lastSyncNanos >= groupCommitNanos;
        } else {
            due = (journal.hasPending() || !dirty.isEmpty() || !dirtyDirs.isEmpty())
                    && (force || now - lastSyncNanos >= IDLE_SYNC_NANOS);
        }
        if (due) {
            syncNow();
        }
    }

    private void syncNow() {
        IOException segmentFailure = null;
        IOException journalFailure = null;
        try {
            for (Segment s : dirty) {
                if (s.channel != null) {
                    s.channel.force(false);
                }
            }
            for (Path dir : dirtyDirs) {
                SegmentFiles.forceDirectory(dir);
            }
        } catch (IOException e) {
            segmentFailure = e;
        }
        try {
            if (journal.hasPending()) {
                journal.write();
            }
            journal.force();
        } catch (IOException e) {
            journalFailure = e;
        }
        lastSyncNanos = System.nanoTime();
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
        }
        // What is not known to be on stable storage must not be acknowledged: those waiters are refused and their
        // publishers retry; what failed stays dirty, so the next flush tries again. Appends need their segments,
        // QoS 2 marks the journal.
        settle(waitingAppends, segmentFailure);
        settle(waitingMarks, journalFailure);
        if (readable) {
            listener.readable();
        }
    }

    private void settle(List<CompletableFuture<Void>> waiters, IOException failure) {
        if (failure == null) {
            waiters.forEach(f -> f.complete(null));
        } else if (!waiters.isEmpty()) {
            String reason = isDiskFull(failure) ? "disk-full" : "store-error";
            long held = throttle.pass("flush-" + reason, System.nanoTime());
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
            try {
                Files.deleteIfExists(s.path);
            } catch (IOException e) {
                // Left behind, it only takes space: its records are all gone or counted as dropped, and recovery
                // finds nothing queued in it.
                LOG.warn("store {}: cannot delete {}: {}", name, s.path, e.toString());
            }
        }
    }

    private void maintain() {
        long now = System.nanoTime();
        if (now - lastSweepNanos >= SWEEP_NANOS) {
            lastSweepNanos = now;
            report(index.sweep(clock.millis(), maxAgeMillis));
            unlink();
        }
        if (journal.wantsCompaction()) {
            try {
                for (long[] r : index.drainRemovals()) {
                    journal.removed(r[0], (int) r[1], (int) r[2]);
                }
                journal.compact(index.removedSnapshot(), index.marksSnapshot());
            } catch (IOException e) {
                LOG.warn("store {}: journal compaction failed, the journal keeps growing: {}", name, e.toString());
            }
        }
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
