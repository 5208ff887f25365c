package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.PayloadFormats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one class's queued messages in order, up to what is durable. A record the writer's {@link RecordTail} still
 * holds is taken from memory as it was appended (the live path: nothing read back or decoded); only older records
 * (a backlog, after a restart) are read from the file, a few hundred messages ahead. Keeps its own read channel, so
 * a segment deleted while it is read stays readable until the cursor moves on (and is then skipped).
 */
final class SegmentCursor implements StoreCursor {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentCursor.class);
    private static final int READ_AHEAD_ITEMS = 512;
    private static final long READ_AHEAD_BYTES = 1L << 20;

    private final StoreIndex index;
    private final int classIndex;
    private final String name;
    private final RouteTable routes;
    private final PayloadFormats formats;
    private final StoreFiles files;
    private final RecordTail tail;
    private final LongConsumer diskReads;
    private final java.util.function.Consumer<RecordRef> lost;
    private final ArrayDeque<StoredRecord> ahead = new ArrayDeque<>();
    private final long[] tailHint = new long[1];
    private final List<RecordRef> unknown = new ArrayList<>();
    private boolean[] skipped = new boolean[256];
    private Segment segment;
    /** The id of the last segment left; the next one read is newer. */
    private long lastId = -1;
    private StoreFile channel;
    private long offset;
    private RecordScanner scanner;

    /**
     * @param diskReads told the number of records read back from the file (metrics, tests)
     * @param lost      given the messages whose route the table lost in a crash (never acknowledged), to drop
     */
    SegmentCursor(StoreIndex index, int classIndex, String name, RouteTable routes, PayloadFormats formats,
                  StoreFiles files, RecordTail tail, LongConsumer diskReads,
                  java.util.function.Consumer<RecordRef> lost) {
        this.files = files;
        this.index = index;
        this.classIndex = classIndex;
        this.name = name;
        this.routes = routes;
        this.formats = formats;
        this.tail = tail;
        this.diskReads = diskReads;
        this.lost = lost;
    }

    @Override
    public StoredRecord peek() {
        if (!ahead.isEmpty() && !index.isReadable(segment)) {
            // Evicted or expired while buffered here: those messages were counted as dropped.
            ahead.clear();
        }
        if (ahead.isEmpty()) {
            try {
                fill();
            } catch (IOException e) {
                throw new UncheckedIOException("store " + name + ": cannot read " + segment, e);
            }
        }
        return ahead.peekFirst();
    }

    @Override
    public void advance() {
        ahead.pollFirst();
    }

    @Override
    public int skipBacklog(long beforeMillis, Set<String> topics, int max) {
        try {
            return skip(beforeMillis, topics, max);
        } catch (IOException e) {
            throw new UncheckedIOException("store " + name + ": cannot read " + segment, e);
        }
    }

    private int skip(long beforeMillis, Set<String> topics, int max) throws IOException {
        int n = 0;
        while (n < max) {
            StoredRecord r = ahead.peekFirst();
            if (r != null) {
                if (r.receivedAtMillis() >= beforeMillis) {
                    return n;
                }
                topics.add(r.topic());
                ahead.pollFirst();
                n++;
                continue;
            }
            long end = position();
            if (end < 0) {
                return n;
            }
            RecordTail.Entry live = tail.find(segment.id, (int) offset, tailHint);
            if (live != null) {
                fromTail(live);
                offset += live.length();
                continue;
            }
            if (!scan(end)) {
                continue;
            }
            int at = (int) scanner.offset();
            if (RecordFrame.version(scanner.buffer()) != ReadingRecords.VERSION) {
                decodeAt(at);
                continue;
            }
            // A record of readings: topics and times from the route table, values left undecoded.
            ReadingRecords.Heads heads = ReadingRecords.heads(scanner.buffer());
            int items = heads.routes().length;
            boolean[] skip = skippedIn(at, items);
            int first = 0;
            for (; first < items; first++) {
                if (skip[first]) {
                    continue;
                }
                if (heads.receivedAt()[first] >= beforeMillis) {
                    break;
                }
                RouteTable.Entry e = routes.get(heads.routes()[first]);
                if (e != null) {
                    topics.add(e.route().remoteTopic());
                    n++;
                }
            }
            if (first < items) {
                // The backlog ends inside this record: the rest is decoded for peek().
                int from = first;
                RecordCodec.decode(scanner.buffer(), classIndex, segment.id, at, scanner.length(), routes, formats,
                        address -> address - at < from || skip[address - at], ahead::add, unknown);
            }
            diskReads.accept(1);
            offset = at + scanner.length();
            dropLost();
        }
        return n;
    }

    private void fill() throws IOException {
        while (ahead.isEmpty()) {
            long end = position();
            if (end < 0) {
                return;
            }
            read(end);
        }
    }

    /**
     * Moves to the segment with durable bytes at the cursor; returns where they end, or -1 when nothing more is
     * readable for now.
     */
    private long position() throws IOException {
        while (true) {
            if (segment == null) {
                Segment next = index.firstAfter(classIndex, lastId);
                if (next == null) {
                    return -1;
                }
                enter(next);
            }
            if (!index.isReadable(segment)) {
                leave();
                continue;
            }
            long end = segment.durableEnd;
            if (offset < end) {
                return end;
            }
            // At the end of what is durable: move on only once the segment is sealed and a newer one exists.
            if (!index.isExhausted(segment, offset) || index.firstAfter(classIndex, segment.id) == null) {
                return -1;
            }
            leave();
        }
    }

    /** Reads ahead from the current segment, up to {@code end}: from the tail where it can, else from the file. */
    private void read(long end) throws IOException {
        int before = ahead.size();
        long bytes = 0;
        while (ahead.size() - before < READ_AHEAD_ITEMS && bytes < READ_AHEAD_BYTES && offset < end) {
            RecordTail.Entry live = tail.find(segment.id, (int) offset, tailHint);
            if (live != null) {
                fromTail(live);
                offset += live.length();
                bytes += live.length();
                continue;
            }
            if (!scan(end)) {
                return;
            }
            bytes += scanner.length();
            decodeAt((int) scanner.offset());
        }
    }

    /** Takes the record at the cursor from the writer's tail: its messages as appended. */
    private void fromTail(RecordTail.Entry e) {
        int n = e.items();
        boolean[] skip = skippedIn(e.offset(), n);
        for (int i = 0; i < n; i++) {
            if (!skip[i]) {
                int at = e.from() + i;
                ahead.add(new StoredRecord(new RecordRef(classIndex, e.segmentId(), e.offset(), e.length(), i, n),
                        e.epoch(), e.firstSeq() + i, e.messages()[at], e.routes()[at]));
            }
        }
    }

    /** Finds the next whole record in the file at the cursor; false (and the cursor at {@code end}) when none is. */
    private boolean scan(long end) throws IOException {
        if (channel == null) {
            // The file is gone (evicted or expired between listing and opening): nothing to read in it.
            offset = end;
            return false;
        }
        if (scanner == null) {
            scanner = new RecordScanner(channel, offset, end);
        } else {
            scanner.reset(channel, offset, end);
        }
        if (!scanner.next()) {
            // Bytes that were durable and whole when written no longer check out: the medium damaged them.
            LOG.error("store {}: {} bytes at {} of {} are damaged and skipped", name, end - offset, offset, segment);
            offset = end;
            return false;
        }
        if (scanner.offset() != offset) {
            LOG.error("store {}: {} damaged bytes at {} of {} skipped", name, scanner.offset() - offset, offset, segment);
        }
        return true;
    }

    /** Decodes the record the scanner is at into the read-ahead and moves past it. */
    private void decodeAt(int at) {
        int length = scanner.length();
        int n = RecordCodec.meta(scanner.buffer()).items();
        boolean[] skip = skippedIn(at, n);
        RecordCodec.decode(scanner.buffer(), classIndex, segment.id, at, length, routes, formats,
                address -> skip[address - at], ahead::add, unknown);
        diskReads.accept(1);
        offset = at + length;
        dropLost();
    }

    private void dropLost() {
        if (!unknown.isEmpty()) {
            unknown.forEach(lost);
            unknown.clear();
        }
    }

    private boolean[] skippedIn(int at, int n) {
        if (skipped.length < n) {
            skipped = new boolean[Math.max(n, skipped.length * 2)];
        }
        index.skippedIn(segment, at, n, skipped);
        return skipped;
    }

    /** Leaves the current segment; the next fill looks for a newer one. */
    private void leave() throws IOException {
        lastId = segment.id;
        segment = null;
        closeChannel();
    }

    private void enter(Segment s) throws IOException {
        segment = s;
        offset = 0;
        try {
            channel = files.openRead(s.path);
        } catch (NoSuchFileException gone) {
            // Deleted between listing and opening (evicted or expired): nothing to read in it.
            channel = null;
        }
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public void close() {
        try {
            closeChannel();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ahead.clear();
    }
}
