package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.PayloadFormat;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.PointRef;
import io.outpost.mqtt.bridge.config.Packing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's table of the routes its readings take ({@code routes.log}): each {@link Route} of a point gets an
 * index once, for the store's life, and records of readings name their route by it. Entries are appended (framed and
 * checksummed like records, torn tail cut on open) by the writer thread and flushed before the segments whose
 * records use them, so an acknowledged reading always finds its route; a record that names an index the file lost
 * in a crash was never acknowledged and is skipped. Rewritten at open to the routes still in use when it has grown.
 *
 * <pre>entry body: u8 version (1) | varint index | str local topic | str remote topic | u8 flags (bits 0-1 qos,
 *                 2 retain, 3 packing) | [packing, as in whole-message records] | str device | str point | str format</pre>
 *
 * <p>Threads: {@link #indexOf} from any thread (forwarders); {@link #get} from any thread (cursors, recovery);
 * {@link #writePending} and {@link #force} from the writer thread only.
 */
final class RouteTable implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteTable.class);
    static final String FILE = "routes.log";
    private static final int VERSION = 1;
    private static final long COMPACT_BYTES = 1L << 20;

    /**
     * A route with what its decoded readings share: their payload format and the header of their messages (made
     * when the first of them is read back from disk; live readings carry their point's own header).
     */
    public static final class Entry {
        private final int index;
        private final Route route;
        private final PayloadFormat format;
        private volatile MessageHeader header;

        Entry(int index, Route route, PayloadFormat format) {
            this.index = index;
            this.route = route;
            this.format = format;
        }

        public int index() {
            return index;
        }

        public Route route() {
            return route;
        }

        public PayloadFormat format() {
            return format;
        }

        public MessageHeader header() {
            MessageHeader h = header;
            if (h == null) {
                h = new MessageHeader(route.localTopic(), route.qos(), route.retain(), MessageProperties.ofContentType(
                        format.contentType(), MessageProperties.isText(format.contentType())), Message.ORIGIN_GATEWAY);
                header = h;
            }
            return h;
        }
    }

    private final StoreFiles files;
    private final Path file;
    private final PayloadFormats formats;
    private final Map<Route, Integer> indexes = new HashMap<>();
    private volatile Entry[] byIndex = new Entry[64];
    private final List<Entry> pending = new ArrayList<>();
    private int next;
    private StoreFile channel;
    private long size;
    private boolean dirty;
    private boolean needsRewrite;

    private RouteTable(StoreFiles files, Path file, PayloadFormats formats) {
        this.files = files;
        this.file = file;
        this.formats = formats;
    }

    /** Reads the table in {@code dir} (cutting a torn tail off) and opens it for appending. */
    static RouteTable open(StoreFiles files, Path dir, PayloadFormats formats) throws IOException {
        RouteTable t = new RouteTable(files, dir.resolve(FILE), formats);
        t.channel = files.open(t.file);
        try {
            t.load();
        } catch (IOException | RuntimeException e) {
            t.channel.close();
            throw e;
        }
        return t;
    }

    private void load() throws IOException {
        long length = channel.size();
        RecordScanner scanner = new RecordScanner(channel, 0, length);
        while (scanner.next()) {
            ByteBuffer b = scanner.buffer().duplicate();
            b.position(b.position() + RecordFrame.HEADER_BYTES);
            if ((b.get() & 0xFF) != VERSION) {
                throw new IOException("route table " + file + " holds an entry of an unknown version; it was written "
                        + "by a newer gateway");
            }
            int index = (int) Varints.get(b);
            String local = MessageRecords.getString(b);
            String remote = MessageRecords.getString(b);
            int flags = b.get() & 0xFF;
            Packing packing = (flags & 8) != 0 ? MessageRecords.getPacking(b) : null;
            String device = MessageRecords.getString(b);
            String point = MessageRecords.getString(b);
            String format = MessageRecords.getString(b);
            put(index, new Route(local, remote, flags & 3, (flags & 4) != 0, packing, new PointRef(device, point), format));
        }
        if (scanner.skippedBytes() > 0) {
            LOG.error("route table {}: {} damaged byte(s) skipped; readings queued under those routes are lost",
                    file, scanner.skippedBytes());
        }
        if (scanner.goodEnd() < length) {
            LOG.warn("route table {}: cut {} torn byte(s) off the end (an interrupted write)", file,
                    length - scanner.goodEnd());
            channel.truncate(scanner.goodEnd());
            channel.force();
        }
        size = scanner.goodEnd();
    }

    /** The index of a point's route, adding it (to be written before any record that uses it) when new. */
    public synchronized int indexOf(Route route) {
        Integer known = indexes.get(route);
        if (known != null) {
            return known;
        }
        int index = next;
        pending.add(put(index, route));
        return index;
    }

    /** The route with this index, or null when the table has none. */
    public Entry get(int index) {
        Entry[] table = byIndex;
        return index >= 0 && index < table.length ? table[index] : null;
    }

    /** Routes known, written or not. */
    public synchronized int size() {
        return indexes.size();
    }

    private Entry put(int index, Route route) {
        PayloadFormat format = formats.find(route.format()).orElseGet(() -> {
            LOG.warn("route table {}: payload format '{}' is not known to this gateway; readings of {} are sent as "
                    + "JSON", file, route.format(), route.point());
            return formats.get(JsonPayloadFormat.NAME);
        });
        Entry e = new Entry(index, route, format);
        Entry[] table = byIndex;
        if (index >= table.length) {
            table = java.util.Arrays.copyOf(table, Math.max(index + 1, table.length * 2));
        }
        table[index] = e;
        byIndex = table;
        indexes.put(route, index);
        next = Math.max(next, index + 1);
        return e;
    }

    /** Appends the routes added since the last call to the file (writer thread). */
    void writePending() throws IOException {
        List<Entry> toWrite;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            toWrite = new ArrayList<>(pending);
            pending.clear();
        }
        ByteBuffer b = ByteBuffer.allocate(toWrite.size() * 256);
        for (Entry e : toWrite) {
            b = encode(b, e);
        }
        b.flip();
        long before = size;
        try {
            while (b.hasRemaining()) {
                size += channel.write(b, size);
            }
        } catch (IOException ex) {
            // Written again with the next batch; a partial entry is overwritten from where the whole ones end.
            size = before;
            synchronized (this) {
                pending.addAll(0, toWrite);
            }
            throw ex;
        }
        dirty = true;
    }

    /** True when routes wait to be written. */
    synchronized boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Flushes what was written (writer thread, before the segments that use it). */
    void force() throws IOException {
        if (needsRewrite) {
            // A flush failed before: what it covered may never reach the disk (Linux drops the pages of a failed
            // writeback), so only a complete new file is sure again.
            List<Entry> all = new ArrayList<>();
            for (Entry e : byIndex) {
                if (e != null) {
                    all.add(e);
                }
            }
            rewrite(all);
            needsRewrite = false;
            dirty = false;
            return;
        }
        if (dirty) {
            try {
                channel.force();
            } catch (IOException e) {
                needsRewrite = true;
                throw e;
            }
            dirty = false;
        }
    }

    /**
     * Rewrites the file with only the routes that queued records still use, when it has grown past a megabyte; run
     * at open, before the writer starts. Indexes stay as they were.
     */
    void compact(BitSet used) throws IOException {
        if (size < COMPACT_BYTES) {
            return;
        }
        List<Entry> keep = new ArrayList<>();
        for (Entry e : byIndex) {
            if (e != null && used.get(e.index())) {
                keep.add(e);
            }
        }
        if (keep.size() == indexes.size()) {
            return;
        }
        rewrite(keep);
        LOG.info("route table {}: {} of {} routes still in use kept", file, keep.size(), indexes.size());
        // Indexes are never reused: records written before the rewrite may name routes it dropped (all removed).
        int keepNext = next;
        synchronized (this) {
            indexes.clear();
            Entry[] table = new Entry[byIndex.length];
            for (Entry e : keep) {
                table[e.index()] = e;
                indexes.put(e.route(), e.index());
            }
            byIndex = table;
            next = keepNext;
        }
    }

    /** Replaces the file with {@code keep}: a new file flushed, renamed over the old one, the directory flushed. */
    private void rewrite(List<Entry> keep) throws IOException {
        Path tmp = file.resolveSibling(FILE + ".new");
        files.deleteIfExists(tmp);
        try (StoreFile out = files.create(tmp)) {
            long at = 0;
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            for (Entry e : keep) {
                if (b.remaining() < 1024) {
                    b.flip();
                    while (b.hasRemaining()) {
                        at += out.write(b, at);
                    }
                    b.clear();
                }
                b = encode(b, e);
            }
            b.flip();
            while (b.hasRemaining()) {
                at += out.write(b, at);
            }
            out.force();
        }
        files.replace(tmp, file);
        files.forceDirectory(file.getParent());
        channel.close();
        channel = files.open(file);
        size = channel.size();
    }

    private static ByteBuffer encode(ByteBuffer b, Entry e) {
        Route r = e.route();
        byte[] local = MessageRecords.utf8(r.localTopic());
        byte[] remote = MessageRecords.utf8(r.remoteTopic());
        byte[] device = MessageRecords.utf8(r.point().device());
        byte[] point = MessageRecords.utf8(r.point().point());
        byte[] format = MessageRecords.utf8(r.format());
        int need = RecordFrame.HEADER_BYTES + 1 + 5 + 10 + local.length + remote.length + device.length + point.length
                + format.length + 1 + 14;
        if (b.remaining() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + need));
            b.flip();
            bigger.put(b);
            b = bigger;
        }
        int start = RecordFrame.begin(b);
        b.put((byte) VERSION);
        Varints.put(b, e.index());
        MessageRecords.putShortBytes(b, local);
        MessageRecords.putShortBytes(b, remote);
        b.put((byte) (r.qos() | (r.retain() ? 4 : 0) | (r.packing() != null ? 8 : 0)));
        if (r.packing() != null) {
            MessageRecords.putPacking(b, r.packing());
        }
        MessageRecords.putShortBytes(b, device);
        MessageRecords.putShortBytes(b, point);
        MessageRecords.putShortBytes(b, format);
        RecordFrame.seal(b, start);
        return b;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
