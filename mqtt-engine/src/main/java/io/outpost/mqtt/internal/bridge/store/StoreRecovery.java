package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.PayloadFormats;
import io.outpost.mqtt.bridge.config.PriorityClass;
import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import io.outpost.mqtt.bridge.config.StoreConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store back after a clean stop, a crash or a power cut, with no manual step: reads the journal (cutting a
 * torn entry off), walks every segment checking each record's checksum, cuts a torn tail off, skips damaged
 * records (and says so), counts what is still queued and finds the QoS 2 handshakes that were in flight. Runs on
 * the opening thread before the writer starts.
 */
final class StoreRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(StoreRecovery.class);

    /** What recovery found. */
    record Result(StoreIndex index, long maxEpoch, long nextSeq, long nextSegmentId,
                  List<MessageStore.Handshake> handshakes) {
    }

    private final StoreFiles files;
    private final Path dir;
    private final String name;
    private final StoreConfig config;
    private final RouteTable routes;
    private final PayloadFormats formats;
    /** Route indexes that queued readings still use (for the route table's compaction). */
    private final BitSet usedRoutes = new BitSet();

    StoreRecovery(StoreFiles files, Path dir, String name, StoreConfig config, RouteTable routes,
                  PayloadFormats formats) {
        this.files = files;
        this.dir = dir;
        this.name = name;
        this.config = config;
        this.routes = routes;
        this.formats = formats;
    }

    /** Route indexes that queued readings use, once {@link #recover} ran. */
    BitSet usedRoutes() {
        return usedRoutes;
    }

    Result recover(StateJournal.Contents journal) throws IOException {
        List<StoreIndex.ClassState> classes = new ArrayList<>();
        for (PriorityClass c : config.classes()) {
            classes.add(new StoreIndex.ClassState(new StoreClass(c.name(), c.priority(), c.overflow(), false), dir.resolve(c.name())));
        }
        for (String adopted : adoptedClasses()) {
            LOG.warn("store {}: class '{}' is no longer configured; what it still holds is delivered at the lowest "
                    + "priority", name, adopted);
            classes.add(new StoreIndex.ClassState(new StoreClass(adopted, 1, OverflowPolicy.DROP_OLDEST, true), dir.resolve(adopted)));
        }
        StoreIndex index = new StoreIndex(classes, config.maxBytes());
        long maxEpoch = 0;
        long maxSeq = -1;
        long maxSegment = journal.maxSegmentId();
        List<MessageStore.Handshake> handshakes = new ArrayList<>();
        Set<Path> deletedIn = new LinkedHashSet<>();
        for (int ci = 0; ci < classes.size(); ci++) {
            Path classDir = classes.get(ci).dir;
            if (!files.isDirectory(classDir)) {
                continue;
            }
            for (long id : SegmentFiles.segmentIds(files, classDir)) {
                maxSegment = Math.max(maxSegment, id);
                Segment s = new Segment(id, ci, SegmentFiles.segmentPath(classDir, id));
                for (int[] r : journal.removed().getOrDefault(id, List.of())) {
                    s.removed.add(r[0], r[1]);
                }
                Map<Integer, Qos2Mark> marks = journal.qos2().getOrDefault(id, Map.of());
                long[] seen = scan(s, marks, handshakes);
                maxEpoch = Math.max(maxEpoch, seen[0]);
                maxSeq = Math.max(maxSeq, seen[1]);
                if (s.liveItems() == 0) {
                    files.deleteIfExists(s.path);
                    deletedIn.add(classDir);
                    continue;
                }
                index.addSegment(s);
            }
        }
        // The journal is rewritten next without the entries of the segments deleted here: the deletions must be on
        // the disk first, or a power cut brings a segment back with nothing saying its messages were delivered.
        for (Path d : deletedIn) {
            files.forceDirectory(d);
        }
        handshakes.sort(Comparator.comparingLong(h -> h.record().seq()));
        routes.compact(usedRoutes);
        for (MessageStore.Handshake h : handshakes) {
            index.takeRecovered(h.mark());
        }
        StoreStats stats = index.stats();
        if (stats.messages() > 0) {
            LOG.info("store {}: recovered {} queued message(s), {} bytes, {} QoS 2 handshake(s) in flight", name,
                    stats.messages(), stats.bytes(), handshakes.size());
        }
        return new Result(index, maxEpoch, maxSeq + 1, maxSegment + 1, handshakes);
    }

    /** Class directories on disk that the configuration no longer names. */
    private Set<String> adoptedClasses() throws IOException {
        Set<String> configured = new LinkedHashSet<>();
        config.classes().forEach(c -> configured.add(c.name()));
        Set<String> adopted = new LinkedHashSet<>();
        for (Path p : files.list(dir)) {
            String n = p.getFileName().toString();
            if (files.isDirectory(p) && !configured.contains(n) && !SegmentFiles.segmentIds(files, p).isEmpty()) {
                adopted.add(n);
            }
        }
        return adopted;
    }

    /** Walks one segment; returns the largest epoch and sequence it holds. */
    private long[] scan(Segment s, Map<Integer, Qos2Mark> marks, List<MessageStore.Handshake> handshakes) throws IOException {
        long maxEpoch = 0;
        long maxSeq = -1;
        try (StoreFile ch = files.open(s.path)) {
            long size = ch.size();
            RecordScanner scanner = new RecordScanner(ch, 0, size);
            List<StoredRecord> decoded = new ArrayList<>();
            List<RecordRef> unknown = new ArrayList<>();
            while (scanner.next()) {
                int offset = (int) scanner.offset();
                int length = scanner.length();
                RecordCodec.Meta meta = RecordCodec.meta(scanner.buffer());
                int items = meta.items();
                maxEpoch = Math.max(maxEpoch, meta.epoch());
                maxSeq = Math.max(maxSeq, meta.firstSeq() + items - 1);
                s.counted(length, items, meta.receivedAtMillis(), meta.expiresAtMillis());
                s.countRemovedAtRecovery(offset, length, items);
                boolean readings = RecordFrame.version(scanner.buffer()) == ReadingRecords.VERSION;
                if (readings && !s.removed.covers(offset, offset + items)) {
                    int[] used = ReadingRecords.heads(scanner.buffer()).routes();
                    for (int i = 0; i < used.length; i++) {
                        if (!s.removed.contains(offset + i)) {
                            usedRoutes.set(used[i]);
                        }
                    }
                }
                boolean marked = false;
                for (int i = 0; i < items && !marked; i++) {
                    marked = marks.containsKey(offset + i) && !s.removed.contains(offset + i);
                }
                if (marked) {
                    decoded.clear();
                    RecordCodec.decode(scanner.buffer(), s.classIndex, s.id, offset, length, routes, formats,
                            address -> !marks.containsKey(address) || s.removed.contains(address), decoded::add, unknown);
                    for (StoredRecord r : decoded) {
                        Qos2Mark mark = marks.get(r.ref().address());
                        handshakes.add(new MessageStore.Handshake(r, mark));
                    }
                }
            }
            if (!unknown.isEmpty()) {
                // Left queued: the cursor finds them the same way and drops them, counted.
                LOG.error("store {}: {} QoS 2 message(s) in {} name a route the route table lost; they were never "
                        + "acknowledged and are dropped", name, unknown.size(), s.path);
            }
            if (scanner.skippedBytes() > 0) {
                LOG.error("store {}: {} has {} damaged byte(s) between good records; the records there are lost, "
                        + "the rest is kept", name, s.path, scanner.skippedBytes());
            }
            if (scanner.goodEnd() < size) {
                LOG.warn("store {}: cut {} torn byte(s) off the end of {} (an interrupted write)", name,
                        size - scanner.goodEnd(), s.path);
                ch.truncate(scanner.goodEnd());
                ch.force();
            }
            s.size = scanner.goodEnd();
        }
        s.durableEnd = s.size;
        s.sealed = true;
        return new long[] {maxEpoch, maxSeq};
    }
}
