package io.outpost.mqtt.bridge.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one class's segments in order, a few hundred records ahead, up to what is durable. Keeps its own read
 * channel, so a segment deleted while it is read stays readable until the cursor moves on (and is then skipped).
 */
final class SegmentCursor implements StoreCursor {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentCursor.class);
    private static final int READ_AHEAD_RECORDS = 512;
    private static final long READ_AHEAD_BYTES = 1L << 20;

    private final StoreIndex index;
    private final int classIndex;
    private final String name;
    private final ArrayDeque<StoredRecord> ahead = new ArrayDeque<>();
    private Segment segment;
    /** The id of the last segment left; the next one read is newer. */
    private long lastId = -1;
    private FileChannel channel;
    private long offset;
    private RecordScanner scanner;

    SegmentCursor(StoreIndex index, int classIndex, String name) {
        this.index = index;
        this.classIndex = classIndex;
        this.name = name;
    }

    @Override
    public StoredRecord peek() {
        if (!ahead.isEmpty() && !index.isReadable(segment)) {
            // Evicted or expired while buffered here: those records were counted as dropped.
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

    private void fill() throws IOException {
        while (true) {
            if (segment == null) {
                Segment next = index.firstAfter(classIndex, lastId);
                if (next == null) {
                    return;
                }
                enter(next);
            }
            if (!index.isReadable(segment) || channel == null) {
                leave();
                continue;
            }
            long end = segment.durableEnd;
            if (offset < end) {
                read(end);
                if (!ahead.isEmpty()) {
                    return;
                }
                continue;
            }
            // At the end of what is durable: move on only once the segment is sealed and a newer one exists.
            if (!index.isExhausted(segment, offset) || index.firstAfter(classIndex, segment.id) == null) {
                return;
            }
            leave();
        }
    }

    private void read(long end) throws IOException {
        if (scanner == null) {
            scanner = new RecordScanner(channel, offset, end);
        } else {
            scanner.reset(channel, offset, end);
        }
        long bytes = 0;
        while (ahead.size() < READ_AHEAD_RECORDS && bytes < READ_AHEAD_BYTES && scanner.next()) {
            int at = (int) scanner.offset();
            offset = at + scanner.length();
            bytes += scanner.length();
            if (!index.isSkipped(segment, at)) {
                ahead.add(RecordCodec.decode(scanner.buffer(), new RecordRef(classIndex, segment.id, at, scanner.length())));
            }
        }
        if (ahead.size() < READ_AHEAD_RECORDS && bytes < READ_AHEAD_BYTES && offset < end) {
            // Bytes that were durable and whole when written no longer check out: the medium damaged them.
            LOG.error("store {}: {} bytes at {} of {} are damaged and skipped", name, end - offset, offset, segment);
            offset = end;
        }
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
            channel = FileChannel.open(s.path, StandardOpenOption.READ);
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
