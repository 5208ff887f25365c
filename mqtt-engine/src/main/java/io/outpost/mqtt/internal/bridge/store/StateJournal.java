package io.outpost.mqtt.internal.bridge.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's second file, {@code state.log}: which records left the queue (acknowledged, dropped) and the state of
 * QoS 2 handshakes, as fixed-size checksummed entries appended in order. Segments are never rewritten, so this is
 * the only state that changes; it is rewritten (compacted) to what still matters when it grows. A torn last entry
 * is cut off on open; a damaged entry before good ones is skipped, the rest kept. Used by the store's writer thread
 * only.
 *
 * <pre>entry: u8 type | u64 segment id | u32 a | u32 b | u32 crc32c   (21 bytes)
 * REMOVED: messages at addresses in [a, b) are gone;  QOS2_SENT / QOS2_RELEASED: message at address a, packet id b</pre>
 * A message's address is its record's offset plus its item index ({@link RecordRef#address()}): records of one
 * message (all that earlier versions wrote) have the offset as address, so journals written before records of
 * readings existed read the same.
 */
final class StateJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateJournal.class);

    static final String FILE = "state.log";
    private static final int ENTRY = 21;
    private static final byte REMOVED = 1;
    private static final byte QOS2_SENT = 2;
    private static final byte QOS2_RELEASED = 3;
    private static final long MIN_COMPACT_BYTES = 1L << 20;

    /** What a journal held when opened. */
    record Contents(Map<Long, List<int[]>> removed, Map<Long, Map<Integer, Qos2Mark>> qos2, long maxSegmentId,
                    long validBytes, long tornBytes, long skippedEntries) {
    }

    private final StoreFiles files;
    private final Path file;
    private StoreFile channel;
    private final ByteBuffer pending = ByteBuffer.allocate(64 * 1024);
    private final List<ByteBuffer> sealed = new ArrayList<>();
    private long lastRemovedSegment = -1;
    private int lastRemovedTo = -1;
    private int lastRemovedPosition = -1;
    private long size;
    private long compactedSize;
    private boolean dirty;
    private boolean needsRewrite;
    private Contents contents;

    private StateJournal(StoreFiles files, Path file, StoreFile channel, long size) {
        this.files = files;
        this.file = file;
        this.channel = channel;
        this.size = size;
        this.compactedSize = size;
    }

    /** Reads the journal in {@code dir}, cutting off a torn tail, and opens it for appending. */
    static StateJournal open(StoreFiles files, Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        StoreFile ch = files.open(file);
        try {
            Contents c = read(ch);
            if (c.skippedEntries > 0) {
                LOG.warn("{}: skipped {} damaged entr{} and kept the rest; the records they covered may be sent "
                        + "again", file, c.skippedEntries, c.skippedEntries == 1 ? "y" : "ies");
            }
            if (c.tornBytes > 0) {
                ch.truncate(c.validBytes);
                ch.force();
            }
            StateJournal journal = new StateJournal(files, file, ch, c.validBytes);
            journal.contents = c;
            return journal;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** What the journal held when opened; null once recovery let go of it. */
    Contents takeContents() {
        Contents c = contents;
        contents = null;
        return c;
    }

    private static Contents read(StoreFile ch) throws IOException {
        Map<Long, List<int[]>> removed = new HashMap<>();
        Map<Long, Map<Integer, Qos2Mark>> qos2 = new HashMap<>();
        long max = -1;
        long length = ch.size();
        ByteBuffer buf = ByteBuffer.allocate(ENTRY * 4096);
        long pos = 0;
        long validEnd = 0;
        long badSinceValid = 0;
        long skipped = 0;
        while (pos + ENTRY <= length) {
            buf.clear();
            int n = 0;
            while (buf.hasRemaining() && pos + n < length) {
                int r = ch.read(buf, pos + n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            buf.flip();
            if (n == 0) {
                break;
            }
            while (buf.remaining() >= ENTRY) {
                int at = buf.position();
                byte type = buf.get(at);
                boolean known = type == REMOVED || type == QOS2_SENT || type == QOS2_RELEASED;
                buf.position(at + ENTRY);
                pos += ENTRY;
                if (!known || crc(buf, at) != buf.getInt(at + ENTRY - 4)) {
                    // Entries have a fixed size: one damaged entry does not shift the ones after it, so skip it
                    // (its records may be sent again) and keep the rest of the journal.
                    badSinceValid++;
                    continue;
                }
                long segment = buf.getLong(at + 1);
                int a = buf.getInt(at + 9);
                int b = buf.getInt(at + 13);
                if (type == REMOVED) {
                    removed.computeIfAbsent(segment, k -> new ArrayList<>()).add(new int[] {a, b});
                } else {
                    qos2.computeIfAbsent(segment, k -> new LinkedHashMap<>())
                            .put(a, new Qos2Mark(segment, a, b, type == QOS2_RELEASED));
                }
                max = Math.max(max, segment);
                skipped += badSinceValid;
                badSinceValid = 0;
                validEnd = pos;
            }
        }
        // Damaged entries after the last good one are a torn tail (a crash during a write): cut off with it.
        return new Contents(removed, qos2, max, validEnd, length - validEnd, skipped);
    }

    void removed(long segment, int from, int to) {
        // Acknowledgements mostly come in order: extend the last range instead of adding an entry.
        if (segment == lastRemovedSegment && from == lastRemovedTo && lastRemovedPosition >= 0) {
            pending.putInt(lastRemovedPosition + 13, to);
            pending.putInt(lastRemovedPosition + ENTRY - 4, crc(pending, lastRemovedPosition));
            lastRemovedTo = to;
            return;
        }
        lastRemovedPosition = put(REMOVED, segment, from, to);
        lastRemovedSegment = segment;
        lastRemovedTo = to;
    }

    void qos2(Qos2Mark mark) {
        put(mark.released() ? QOS2_RELEASED : QOS2_SENT, mark.segmentId(), mark.address(), mark.packetId());
        lastRemovedPosition = -1;
    }

    boolean hasPending() {
        return pending.position() > 0 || !sealed.isEmpty();
    }

    /** True when entries are buffered or written and not yet on stable storage. */
    boolean unflushed() {
        return hasPending() || dirty || needsRewrite;
    }

    /** Writes what is buffered (not yet flushed to stable storage). */
    void write() throws IOException {
        if (!hasPending()) {
            return;
        }
        sealPending();
        long before = size;
        try {
            for (ByteBuffer b : sealed) {
                while (b.hasRemaining()) {
                    size += channel.write(b, size);
                }
            }
        } catch (IOException e) {
            // Keep the entries that did not make it and cut a partial one off, so a retry appends whole entries.
            long whole = before + (size - before) / ENTRY * ENTRY;
            channel.truncate(whole);
            long written = whole - before;
            List<ByteBuffer> left = new ArrayList<>();
            for (ByteBuffer b : sealed) {
                ByteBuffer all = b.duplicate().rewind();
                if (written >= all.limit()) {
                    written -= all.limit();
                    continue;
                }
                all.position((int) written);
                written = 0;
                left.add(all);
            }
            sealed.clear();
            sealed.addAll(left);
            size = whole;
            throw e;
        }
        sealed.clear();
        dirty = true;
    }

    void force() throws IOException {
        if (dirty) {
            try {
                channel.force();
            } catch (IOException e) {
                // After a failed flush the kernel may have dropped the written pages (Linux marks them clean): a
                // later flush that succeeds does not bring them back. Only a rewrite from memory is sure again.
                needsRewrite = true;
                throw e;
            }
            dirty = false;
        }
    }

    /**
     * True after a failed flush: entries written before it may never reach the disk, so the journal must be
     * rewritten ({@link #compact}) from the live state before anything that depends on it is acknowledged.
     */
    boolean needsRewrite() {
        return needsRewrite;
    }

    long size() {
        return size;
    }

    /** True when the journal has grown enough that a rewrite pays. */
    boolean wantsCompaction() {
        return size > MIN_COMPACT_BYTES && size > 4 * compactedSize;
    }

    /**
     * Replaces the journal with the given live state (which must include every entry buffered here): written to a
     * new file, flushed, renamed over the old one and the directory flushed, so that a crash leaves either the old
     * or the new journal, both complete.
     */
    void compact(Map<Long, RangeSet> removed, Iterable<Qos2Mark> qos2) throws IOException {
        // Entries still buffered are part of the live state given, so the new file holds them; they are dropped
        // only once it is in place (if the rewrite fails they go to the old file as before).
        Path tmp = file.resolveSibling(FILE + ".new");
        files.deleteIfExists(tmp);
        try (StoreFile out = files.create(tmp)) {
            long[] at = {0};
            ByteBuffer b = ByteBuffer.allocate(ENTRY * 1024);
            for (Map.Entry<Long, RangeSet> e : removed.entrySet()) {
                long segment = e.getKey();
                List<int[]> ranges = new ArrayList<>();
                e.getValue().forEach((from, to) -> ranges.add(new int[] {from, to}));
                for (int[] r : ranges) {
                    b = writeEntry(out, at, b, REMOVED, segment, r[0], r[1]);
                }
            }
            for (Qos2Mark m : qos2) {
                b = writeEntry(out, at, b, m.released() ? QOS2_RELEASED : QOS2_SENT, m.segmentId(), m.address(), m.packetId());
            }
            flush(out, at, b);
            out.force();
        }
        files.replace(tmp, file);
        files.forceDirectory(file.getParent());
        channel.close();
        channel = files.open(file);
        size = channel.size();
        compactedSize = Math.max(size, ENTRY);
        pending.clear();
        sealed.clear();
        lastRemovedPosition = -1;
        dirty = false;
        needsRewrite = false;
    }

    private static ByteBuffer writeEntry(StoreFile out, long[] at, ByteBuffer b, byte type, long segment, int a, int c)
            throws IOException {
        if (b.remaining() < ENTRY) {
            flush(out, at, b);
            b.clear();
        }
        encode(b, type, segment, a, c);
        return b;
    }

    private static void flush(StoreFile out, long[] at, ByteBuffer b) throws IOException {
        b.flip();
        while (b.hasRemaining()) {
            at[0] += out.write(b, at[0]);
        }
    }

    private int put(byte type, long segment, int a, int b) {
        if (pending.remaining() < ENTRY) {
            sealPending();
        }
        int at = pending.position();
        encode(pending, type, segment, a, b);
        return at;
    }

    private static void encode(ByteBuffer b, byte type, long segment, int a, int c) {
        int at = b.position();
        b.put(type).putLong(segment).putInt(a).putInt(c).putInt(0);
        b.putInt(at + ENTRY - 4, crc(b, at));
    }

    /** Moves the pending entries to the write list; from then on none of them is extended. */
    private void sealPending() {
        if (pending.position() == 0) {
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(pending.position());
        pending.flip();
        copy.put(pending).flip();
        pending.clear();
        sealed.add(copy);
        lastRemovedPosition = -1;
    }

    private static int crc(ByteBuffer b, int at) {
        CRC32C crc = new CRC32C();
        ByteBuffer region = b.duplicate();
        region.limit(at + ENTRY - 4).position(at);
        crc.update(region);
        return (int) crc.getValue();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
