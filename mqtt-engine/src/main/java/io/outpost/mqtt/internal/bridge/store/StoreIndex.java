package io.outpost.mqtt.internal.bridge.store;

import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the store holds, in memory: the segments of each class with their counters, removed ranges and QoS 2
 * marks, and the byte account that {@code max-bytes} bounds. Every method holds the index's lock briefly and does
 * no IO; the writer and the cursors do the IO around it. Drops are returned to the caller, who reports them after
 * letting go of the lock.
 */
final class StoreIndex {

    /** One class's segments, oldest first, and the one appended to. */
    static final class ClassState {
        final StoreClass info;
        final Path dir;
        final ArrayDeque<Segment> segments = new ArrayDeque<>();
        Segment active;
        long messages;

        ClassState(StoreClass info, Path dir) {
            this.info = info;
            this.dir = dir;
        }
    }

    /** A drop to report: {@code messages} left for {@code removal}. */
    record Drop(Removal removal, long messages) {
    }

    private final List<ClassState> classes;
    private final long maxBytes;
    private final Map<Long, Segment> byId = new HashMap<>();
    private final Map<Long, Map<Integer, Qos2Mark>> qos2 = new HashMap<>();
    private final PendingRemovals journalRemovals = new PendingRemovals();
    private final List<Segment> unlinks = new ArrayList<>();
    private long messages;
    private long bytes;
    private long diskBytes;

    StoreIndex(List<ClassState> classes, long maxBytes) {
        this.classes = List.copyOf(classes);
        this.maxBytes = maxBytes;
    }

    List<ClassState> classes() {
        return classes;
    }

    ClassState classState(int index) {
        return classes.get(index);
    }

    // ------------------------------------------------------------------ segments

    /** Adds a segment found at recovery or created by the writer (newest of its class). */
    synchronized void addSegment(Segment s) {
        classes.get(s.classIndex).segments.addLast(s);
        byId.put(s.id, s);
        diskBytes += s.size;
        messages += s.liveItems();
        bytes += s.liveBytes();
        classes.get(s.classIndex).messages += s.liveItems();
    }

    /** The oldest segment of the class newer than {@code afterId}, or null. */
    synchronized Segment firstAfter(int classIndex, long afterId) {
        for (Segment candidate : classes.get(classIndex).segments) {
            if (candidate.id > afterId) {
                return candidate;
            }
        }
        return null;
    }

    synchronized boolean isReadable(Segment s) {
        return !s.deleted;
    }

    /** True when a cursor has read all of {@code s} that will ever be there, up to {@code offset}. */
    synchronized boolean isExhausted(Segment s, long offset) {
        return s.deleted || s.sealed && offset >= s.durableEnd && s.durableEnd >= s.size;
    }

    /** True when the message at {@code address} is no longer queued (removed), in flight or in a recovered handshake. */
    synchronized boolean isSkipped(Segment s, int address) {
        if (s.removed.contains(address) || s.inFlight.contains(address)) {
            return true;
        }
        Map<Integer, Qos2Mark> marks = qos2.get(s.id);
        return marks != null && marks.containsKey(address);
    }

    // ------------------------------------------------------------------ flight and removal

    /** Fills {@code out[0..n)} with {@link #isSkipped} of the messages of the record at {@code offset}. */
    synchronized void skippedIn(Segment s, int offset, int n, boolean[] out) {
        Map<Integer, Qos2Mark> marks = qos2.get(s.id);
        for (int i = 0; i < n; i++) {
            int address = offset + i;
            out[i] = s.removed.contains(address) || s.inFlight.contains(address)
                    || marks != null && marks.containsKey(address);
        }
    }

    /** False when the message was removed, evicted, or is in flight already (another cursor took it). */
    synchronized boolean take(RecordRef ref) {
        Segment s = byId.get(ref.segmentId());
        if (s == null || s.deleted || s.removed.contains(ref.address())) {
            return false;
        }
        return s.inFlight.add(ref.address());
    }

    /** Counts a recovered handshake's record as taken. */
    synchronized void takeRecovered(Qos2Mark mark) {
        Segment s = byId.get(mark.segmentId());
        s.inFlight.add(mark.address());
        qos2.computeIfAbsent(s.id, k -> new LinkedHashMap<>()).put(mark.address(), mark);
    }

    /** Removes a taken record; null when it was already gone, else the drop to report (messages 0 if delivered). */
    synchronized Drop remove(RecordRef ref, Removal removal) {
        Segment s = byId.get(ref.segmentId());
        if (s == null) {
            return null;
        }
        Map<Integer, Qos2Mark> marks = qos2.get(s.id);
        if (marks != null && marks.remove(ref.address()) != null && marks.isEmpty()) {
            qos2.remove(s.id);
        }
        s.inFlight.remove(ref.address());
        if (!s.markRemoved(ref, journalRemovals)) {
            return null;
        }
        messages--;
        bytes -= ref.itemBytes();
        classes.get(s.classIndex).messages--;
        retireIfEmpty(s);
        return new Drop(removal, removal.reason() == null ? 0 : 1);
    }

    synchronized void putMarks(List<Qos2Mark> marks) {
        for (Qos2Mark m : marks) {
            qos2.computeIfAbsent(m.segmentId(), k -> new LinkedHashMap<>()).put(m.address(), m);
        }
    }

    // ------------------------------------------------------------------ appends and room

    /** Bytes the store may still grow by before it must evict. */
    synchronized long room() {
        return maxBytes - diskBytes;
    }

    /** Counts bytes the writer is about to write (undone by {@link #unreserve} if the write fails). */
    synchronized void reserve(long n) {
        diskBytes += n;
    }

    synchronized void unreserve(long n) {
        diskBytes -= n;
    }

    /** Counts a record of {@code items} messages the writer wrote to {@code s}. */
    synchronized void appended(Segment s, int length, int items, long receivedAt, long expiresAt) {
        s.counted(length, items, receivedAt, expiresAt);
        messages += items;
        bytes += length;
        classes.get(s.classIndex).messages += items;
    }

    /** Takes back {@link #appended} for a record whose flush failed (it is cut off and never handed out). */
    synchronized void unappended(Segment s, int length, int items) {
        s.items -= items;
        s.itemBytes -= length;
        messages -= items;
        bytes -= length;
        classes.get(s.classIndex).messages -= items;
    }

    synchronized Segment segment(long id) {
        return byId.get(id);
    }

    /**
     * Evicts whole segments until {@code needed} more bytes fit, taking first from the lowest-priority drop-oldest
     * classes below {@code classIndex}, then from the class itself when it is drop-oldest. Segments with records in
     * flight and those in {@code busy} (being written) are kept.
     *
     * @return the evictions to report, or null when the room cannot be made (then nothing was evicted)
     */
    synchronized List<Drop> makeRoom(int classIndex, long needed, Set<Segment> busy) {
        if (diskBytes + needed <= maxBytes) {
            return List.of();
        }
        List<Segment> victims = new ArrayList<>();
        long freed = 0;
        for (ClassState c : evictionOrder(classIndex)) {
            for (Segment s : c.segments) {
                if (diskBytes - freed + needed <= maxBytes) {
                    break;
                }
                if (s.inFlight.size() == 0 && s.size > 0 && !busy.contains(s)) {
                    victims.add(s);
                    freed += s.size;
                }
            }
        }
        if (diskBytes - freed + needed > maxBytes) {
            return null;
        }
        List<Drop> drops = new ArrayList<>();
        for (Segment s : victims) {
            drops.add(new Drop(Removal.EVICTED, s.liveItems()));
            delete(s);
        }
        return drops;
    }

    private List<ClassState> evictionOrder(int classIndex) {
        ClassState own = classes.get(classIndex);
        List<ClassState> order = new ArrayList<>();
        for (ClassState c : classes) {
            boolean lower = c.info.priority() < own.info.priority() || c.info.adopted() && !own.info.adopted();
            if (c != own && c.info.overflow() == OverflowPolicy.DROP_OLDEST && lower) {
                order.add(c);
            }
        }
        order.sort((a, b) -> Integer.compare(effectivePriority(a), effectivePriority(b)));
        if (own.info.overflow() == OverflowPolicy.DROP_OLDEST) {
            order.add(own);
        }
        return order;
    }

    private static int effectivePriority(ClassState c) {
        return c.info.adopted() ? 0 : c.info.priority();
    }

    /** Seals the class's active segment (it takes no more records) and deletes it if nothing in it is queued. */
    synchronized void seal(Segment s) {
        s.sealed = true;
        ClassState c = classes.get(s.classIndex);
        if (c.active == s) {
            c.active = null;
        }
        retireIfEmpty(s);
    }

    /**
     * Drops whole segments whose every record is past its MQTT 5 expiry or older than {@code maxAgeMillis} (0 for
     * no bound), unless records of theirs are in flight.
     */
    synchronized List<Drop> sweep(long nowMillis, long maxAgeMillis) {
        List<Drop> drops = new ArrayList<>();
        for (ClassState c : classes) {
            for (Segment s : List.copyOf(c.segments)) {
                if (s.inFlight.size() > 0 || s.liveItems() == 0 || s.size == 0) {
                    continue;
                }
                Removal why = s.latestExpiry < nowMillis ? Removal.EXPIRED
                        : maxAgeMillis > 0 && s.newestReceivedAt < nowMillis - maxAgeMillis ? Removal.MAX_AGE : null;
                if (why != null) {
                    drops.add(new Drop(why, s.liveItems()));
                    delete(s);
                }
            }
        }
        return drops;
    }

    private void retireIfEmpty(Segment s) {
        if (s.sealed && s.liveItems() == 0 && !s.deleted) {
            delete(s);
        }
    }

    private void delete(Segment s) {
        ClassState c = classes.get(s.classIndex);
        s.deleted = true;
        s.sealed = true;
        if (c.active == s) {
            c.active = null;
        }
        c.segments.remove(s);
        byId.remove(s.id);
        qos2.remove(s.id);
        messages -= s.liveItems();
        bytes -= s.liveBytes();
        c.messages -= s.liveItems();
        diskBytes -= s.size;
        unlinks.add(s);
    }

    // ------------------------------------------------------------------ for the writer

    /** True when removals wait for the writer to take them to the journal. */
    synchronized boolean hasRemovals() {
        return !journalRemovals.isEmpty();
    }

    /** Hands the removals since the last call to the journal (writer thread; the journal buffers them). */
    synchronized void drainRemovalsTo(StateJournal journal) {
        journalRemovals.drainTo(journal);
    }

    synchronized List<Segment> drainUnlinks() {
        if (unlinks.isEmpty()) {
            return List.of();
        }
        List<Segment> out = new ArrayList<>(unlinks);
        unlinks.clear();
        return out;
    }

    /**
     * The removed ranges of the segments whose files are still there, copied for a journal rewrite: the live ones and
     * those deleted here whose files the writer has not unlinked yet ({@link #drainUnlinks}). Until the writer
     * unlinks a file and flushes its directory, a power cut brings the segment back, and only these entries say its
     * messages were delivered.
     */
    synchronized Map<Long, RangeSet> removedSnapshot() {
        Map<Long, RangeSet> out = new HashMap<>();
        for (Segment s : byId.values()) {
            copyRemoved(s, out);
        }
        for (Segment s : unlinks) {
            copyRemoved(s, out);
        }
        return out;
    }

    private static void copyRemoved(Segment s, Map<Long, RangeSet> out) {
        if (!s.removed.isEmpty()) {
            RangeSet copy = new RangeSet();
            s.removed.forEach(copy::add);
            out.put(s.id, copy);
        }
    }

    synchronized Collection<Qos2Mark> marksSnapshot() {
        List<Qos2Mark> out = new ArrayList<>();
        qos2.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    synchronized StoreStats stats() {
        List<Long> perClass = new ArrayList<>(classes.size());
        for (ClassState c : classes) {
            perClass.add(c.messages);
        }
        return new StoreStats(messages, bytes, diskBytes, maxBytes, perClass);
    }

    /** Every segment, for closing. */
    synchronized List<Segment> segments() {
        return new ArrayList<>(byId.values());
    }
}
