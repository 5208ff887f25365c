package io.outpost.core.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The history of one device's points in one memory-mapped file of fixed size: for each {@link TrendWindow} a ring
 * of time slots, each slot holding one 16-byte bucket per point (min, max and mean as float32, count, worst
 * quality). Slot-major on purpose: the points of a device share the slots in progress, so the pages the operating
 * system writes back are the few that changed (the file is never fsynced: a power cut loses at most the last
 * writeback interval of history, never the alarm or queue data that have their own guarantees).
 *
 * <pre>
 * header: "OPH1" | version 1 | points N | ids length | ids (UTF-8, '\n'-separated) | pad to 8
 * per window (HOUR, then DAY): slots x [ slot start, epoch seconds (long) | N x bucket ]
 * bucket: min f32 | max f32 | mean f32 | count u16 | quality u8 (0 none, 1 good, 2 uncertain, 3 bad) | pad
 * </pre>
 * Guarded by its own monitor: one device's serial executor writes, the console reads.
 */
final class DeviceHistory {

    static final int MAGIC = 0x4F504831; // "OPH1"
    static final int BUCKET = 16;
    private static final String[] QUALITY = {"none", "good", "uncertain", "bad"};
    /** {@code TrendWindow.values()} copies its array at every call; the reading path must not allocate. */
    private static final TrendWindow[] WINDOWS = TrendWindow.values();

    private final Path file;
    private final List<String> ids;
    private final Map<String, Integer> columns = new HashMap<>();
    private final MappedByteBuffer map;
    private final int slotBytes;
    private final int[] ringStart = new int[TrendWindow.values().length];

    private DeviceHistory(Path file, List<String> ids, MappedByteBuffer map, int dataStart) {
        this.file = file;
        this.ids = List.copyOf(ids);
        this.map = map;
        for (int i = 0; i < ids.size(); i++) {
            columns.put(ids.get(i), i);
        }
        this.slotBytes = 8 + BUCKET * ids.size();
        int at = dataStart;
        for (TrendWindow w : TrendWindow.values()) {
            ringStart[w.ordinal()] = at;
            at += w.slots() * slotBytes;
        }
    }

    /** Bytes of the file for {@code points} points with ids of {@code idBytes} bytes in all. */
    static long fileSize(int points, int idBytes) {
        long size = dataStart(idBytes);
        for (TrendWindow w : TrendWindow.values()) {
            size += (long) w.slots() * (8 + BUCKET * (long) points);
        }
        return size;
    }

    private static int dataStart(int idBytes) {
        return (16 + idBytes + 7) & ~7;
    }

    /**
     * Opens the device's file, keeping its history when it holds the same points in the same order; otherwise the
     * old file is kept beside as {@code .old} and a new one started. Blocking.
     */
    static DeviceHistory open(Path file, List<String> ids) throws IOException {
        byte[] idText = String.join("\n", ids).getBytes(StandardCharsets.UTF_8);
        long size = fileSize(ids.size(), idText.length);
        if (size > Integer.MAX_VALUE) {
            throw new IOException("history of " + ids.size() + " points does not fit one file; split the device");
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (Files.exists(file) && !sameLayout(file, idText, size)) {
            Files.move(file, file.resolveSibling(file.getFileName() + ".old"), StandardCopyOption.REPLACE_EXISTING);
        }
        boolean fresh = !Files.exists(file);
        MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
        }
        if (fresh) {
            map.putInt(0, MAGIC).putInt(4, 1).putInt(8, ids.size()).putInt(12, idText.length);
            map.put(16, idText);
        }
        return new DeviceHistory(file, ids, map, dataStart(idText.length));
    }

    private static boolean sameLayout(Path file, byte[] idText, long size) throws IOException {
        if (Files.size(file) != size) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(16 + idText.length);
            while (head.hasRemaining() && ch.read(head) > 0) {
                // reads the header
            }
            head.flip();
            if (head.remaining() < 16 || head.getInt(0) != MAGIC || head.getInt(4) != 1
                    || head.getInt(12) != idText.length) {
                return false;
            }
            byte[] stored = new byte[idText.length];
            head.get(16, stored);
            return java.util.Arrays.equals(stored, idText);
        }
    }

    Path file() {
        return file;
    }

    List<String> ids() {
        return ids;
    }

    /** The column of a point; -1 when the device has no such point. */
    int column(String pointId) {
        Integer c = columns.get(pointId);
        return c == null ? -1 : c;
    }

    /** Adds a reading at {@code epochSeconds}: {@code value} NaN when it has none; quality 1 good, 2 uncertain, 3 bad. */
    synchronized void add(int column, long epochSeconds, double value, int quality) {
        for (TrendWindow w : WINDOWS) {
            long start = epochSeconds - Math.floorMod(epochSeconds, w.bucketSeconds());
            int slot = (int) Math.floorMod(start / w.bucketSeconds(), (long) w.slots());
            int base = ringStart[w.ordinal()] + slot * slotBytes;
            long held = map.getLong(base);
            if (held > start) {
                continue; // a late reading for a bucket already reused: it would overwrite newer history
            }
            if (held != start) {
                clearSlot(base);
                map.putLong(base, start);
            }
            int at = base + 8 + column * BUCKET;
            int count = map.getShort(at + 12) & 0xFFFF;
            if (!Double.isNaN(value)) {
                float v = (float) value;
                if (count == 0) {
                    map.putFloat(at, v).putFloat(at + 4, v).putFloat(at + 8, v);
                } else {
                    map.putFloat(at, Math.min(map.getFloat(at), v)).putFloat(at + 4, Math.max(map.getFloat(at + 4), v));
                    float mean = map.getFloat(at + 8);
                    int n = Math.min(count + 1, 0xFFFF);
                    map.putFloat(at + 8, mean + (v - mean) / n);
                }
                map.putShort(at + 12, (short) Math.min(count + 1, 0xFFFF));
            }
            map.put(at + 14, (byte) Math.max(map.get(at + 14), quality));
        }
    }

    private void clearSlot(int base) {
        for (int i = base + 8; i < base + slotBytes; i += 8) {
            map.putLong(i, 0L);
        }
    }

    /** The buckets of a point in the window ending at {@code nowSeconds}, oldest first, empty buckets left out. */
    synchronized List<TrendBucket> read(int column, TrendWindow w, long nowSeconds) {
        long oldest = nowSeconds - w.span().getSeconds();
        List<TrendBucket> out = new ArrayList<>();
        for (int slot = 0; slot < w.slots(); slot++) {
            int base = ringStart[w.ordinal()] + slot * slotBytes;
            long start = map.getLong(base);
            if (start == 0 || start + w.bucketSeconds() <= oldest || start > nowSeconds) {
                continue;
            }
            int at = base + 8 + column * BUCKET;
            int count = map.getShort(at + 12) & 0xFFFF;
            int quality = map.get(at + 14);
            if (count == 0 && quality == 0) {
                continue;
            }
            double min = count == 0 ? Double.NaN : map.getFloat(at);
            double max = count == 0 ? Double.NaN : map.getFloat(at + 4);
            double avg = count == 0 ? Double.NaN : map.getFloat(at + 8);
            out.add(new TrendBucket(start * 1000, min, max, avg, count, QUALITY[Math.max(0, Math.min(3, quality))]));
        }
        out.sort(Comparator.comparingLong(TrendBucket::startMillis));
        return out;
    }
}
