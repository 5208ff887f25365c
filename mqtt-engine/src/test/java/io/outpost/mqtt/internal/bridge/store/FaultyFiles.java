package io.outpost.mqtt.internal.bridge.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An in-memory file system for the store's tests that knows what a power cut does. Each file keeps the bytes on
 * stable storage apart from the writes since its last {@link StoreFile#force()}; each directory its entries on stable
 * storage apart from the creates, deletes and renames since its last {@link #forceDirectory}. {@link #powerCut}
 * then keeps, per a seeded random choice, none of the unsynced writes, a prefix of them with the last one torn at a
 * sector, or any subset of their sectors (writes reaching the disk out of order), and a prefix of the unsynced
 * directory changes; every handle of before the cut is dead.
 *
 * <p>Faults on demand: a capacity ({@code ENOSPC}: a write that does not fit writes what fits, the next fails), failing
 * flushes or writes ({@code EIO}; like Linux after a failed writeback, the writes a failed flush covered never reach the
 * disk, even if a later flush succeeds), and a cut after a given number of changing operations, after which every
 * operation fails as on a machine that lost power.
 *
 * <p>Thread-safe (one lock), so the store's writer, cursors and the test may share it.
 */
final class FaultyFiles implements StoreFiles {

    static final int SECTOR = 512;

    /** How a power cut treats the writes not yet flushed. */
    enum CutMode {
        /** Every unsynced write is lost. */
        DROP_ALL,
        /** Writes reached the disk in order up to a random one, which is torn at a sector boundary. */
        TORN_PREFIX,
        /** Each sector of each unsynced write reached the disk or not, independently (the disk reordered them). */
        REORDERED
    }

    /** One file's contents: what is on stable storage and what the process sees. */
    private static final class Inode {
        byte[] durable = new byte[0];
        byte[] current = new byte[0];
        int currentSize;
        /** Changes since the last flush, in order: writes (bytes at offset) and truncates (bytes null). */
        final List<Change> unsynced = new ArrayList<>();
        /** Changes a failed flush covered: they never reach the disk. */
        final Set<Change> lost = new HashSet<>();
    }

    private record Change(long offset, byte[] bytes, long truncateTo) {
    }

    /**
     * A directory change not yet flushed: {@code name} made a directory, pointed at {@code target} (created, or
     * renamed from {@code renamedFrom} in one atomic step), or removed ({@code target} null).
     */
    private record DirChange(Path dir, Path name, Inode target, boolean directory, Path renamedFrom) {
    }

    private final Map<Path, Inode> files = new HashMap<>();
    private final Map<Path, Inode> durableFiles = new HashMap<>();
    private final Set<Path> dirs = new HashSet<>();
    private final Set<Path> durableDirs = new HashSet<>();
    private final List<DirChange> dirChanges = new ArrayList<>();
    private long generation;
    private boolean dead;
    private long opsUntilCut = -1;
    private long capacity = Long.MAX_VALUE;
    private int failingForces;
    private int failingWrites;
    private long changingOps;
    private final Map<String, Integer> forcesByName = new HashMap<>();
    private final Set<Path> locks = new HashSet<>();

    FaultyFiles(Path root) {
        for (Path p = root.toAbsolutePath(); p != null; p = p.getParent()) {
            dirs.add(p);
            durableDirs.add(p);
        }
    }

    // ------------------------------------------------------------------ faults

    /** The machine loses power after {@code ops} more changing operations (writes, truncates, flushes, renames...). */
    synchronized void cutAfter(long ops) {
        opsUntilCut = ops;
    }

    /** True once the power is off (a cut was reached); until {@link #powerCut} every operation fails. */
    synchronized boolean dead() {
        return dead;
    }

    /** Bytes all files may hold together; beyond, writes fail with "No space left on device". */
    synchronized void capacity(long bytes) {
        capacity = bytes;
    }

    /** The next {@code n} flushes fail with an I/O error (and what they covered never reaches the disk). */
    synchronized void failForces(int n) {
        failingForces = n;
    }

    /** The next {@code n} writes fail with an I/O error, writing nothing. */
    synchronized void failWrites(int n) {
        failingWrites = n;
    }

    synchronized long changingOps() {
        return changingOps;
    }

    /** Successful flushes of files with this name (e.g. {@code state.log}), since this file system was made. */
    synchronized int forces(String fileName) {
        return forcesByName.getOrDefault(fileName, 0);
    }

    synchronized long usedBytes() {
        long n = 0;
        for (Inode i : new HashSet<>(files.values())) {
            n += i.currentSize;
        }
        return n;
    }

    /**
     * Cuts the power now (if a cut was not reached already) and brings the machine back: what reached stable storage
     * is decided with {@code random} per {@code mode}; every handle opened before is dead; faults are cleared.
     */
    synchronized void powerCut(Random random, CutMode mode) {
        dead = false;
        opsUntilCut = -1;
        failingForces = 0;
        failingWrites = 0;
        capacity = Long.MAX_VALUE;
        generation++;
        locks.clear();
        // Directory changes reach the disk in order (a journaling file system commits metadata in order).
        int keep = mode == CutMode.DROP_ALL ? 0 : random.nextInt(dirChanges.size() + 1);
        for (int i = 0; i < keep; i++) {
            applyDurably(dirChanges.get(i));
        }
        dirChanges.clear();
        // In path order, so that a seed decides the same for the same files every run.
        java.util.TreeMap<Path, Inode> byPath = new java.util.TreeMap<>(files);
        byPath.putAll(durableFiles);
        Set<Inode> all = new java.util.LinkedHashSet<>(byPath.values());
        for (Inode inode : all) {
            inode.durable = survive(inode, random, mode);
            inode.unsynced.clear();
            inode.lost.clear();
            inode.current = inode.durable.clone();
            inode.currentSize = inode.durable.length;
        }
        files.clear();
        files.putAll(durableFiles);
        dirs.clear();
        dirs.addAll(durableDirs);
    }

    private static byte[] survive(Inode inode, Random random, CutMode mode) {
        byte[] data = inode.durable.clone();
        int size = data.length;
        List<Change> changes = inode.unsynced;
        int upTo = mode == CutMode.TORN_PREFIX ? random.nextInt(changes.size() + 1) : changes.size();
        for (int c = 0; c < changes.size() && mode != CutMode.DROP_ALL; c++) {
            Change ch = changes.get(c);
            if (c > upTo || inode.lost.contains(ch)) {
                continue;
            }
            if (ch.bytes() == null) {
                if (c == upTo || mode == CutMode.REORDERED && random.nextBoolean()) {
                    continue;
                }
                size = (int) Math.min(size, ch.truncateTo());
                continue;
            }
            // The write's sectors (by file offset) that reached the disk.
            long start = ch.offset();
            long end = start + ch.bytes().length;
            long tornAt = c == upTo ? start + (long) random.nextInt(ch.bytes().length + 1) / SECTOR * SECTOR : end;
            for (long sector = start / SECTOR * SECTOR; sector < end; sector += SECTOR) {
                long from = Math.max(start, sector);
                long to = Math.min(end, sector + SECTOR);
                boolean reached = mode == CutMode.REORDERED ? random.nextBoolean() : to <= tornAt;
                if (!reached) {
                    continue;
                }
                if (to > data.length) {
                    data = Arrays.copyOf(data, (int) Math.max(to, data.length * 2L));
                }
                if (from > size) {
                    Arrays.fill(data, size, (int) from, (byte) 0);
                }
                System.arraycopy(ch.bytes(), (int) (from - start), data, (int) from, (int) (to - from));
                size = (int) Math.max(size, to);
            }
        }
        return Arrays.copyOf(data, size);
    }

    private void applyDurably(DirChange c) {
        if (c.directory()) {
            durableDirs.add(c.name());
            return;
        }
        if (c.renamedFrom() != null) {
            durableFiles.remove(c.renamedFrom());
        }
        if (c.target() == null) {
            durableFiles.remove(c.name());
        } else {
            durableFiles.put(c.name(), c.target());
        }
    }

    private void change() throws IOException {
        alive();
        changingOps++;
        if (opsUntilCut == 0) {
            dead = true;
            throw new IOException("Input/output error (simulated power cut)");
        }
        if (opsUntilCut > 0) {
            opsUntilCut--;
        }
    }

    private void alive() throws IOException {
        if (dead) {
            throw new IOException("Input/output error (the power is off)");
        }
    }

    // ------------------------------------------------------------------ StoreFiles

    @Override
    public synchronized StoreFile create(Path file) throws IOException {
        change();
        Path p = file.toAbsolutePath();
        parentExists(p);
        if (files.containsKey(p)) {
            throw new FileAlreadyExistsException(p.toString());
        }
        Inode inode = new Inode();
        files.put(p, inode);
        dirChanges.add(new DirChange(p.getParent(), p, inode, false, null));
        return new Handle(inode, p, generation, false);
    }

    @Override
    public synchronized StoreFile open(Path file) throws IOException {
        alive();
        Path p = file.toAbsolutePath();
        Inode inode = files.get(p);
        if (inode == null) {
            return create(p);
        }
        return new Handle(inode, p, generation, false);
    }

    @Override
    public synchronized StoreFile openRead(Path file) throws IOException {
        alive();
        Inode inode = files.get(file.toAbsolutePath());
        if (inode == null) {
            throw new NoSuchFileException(file.toString());
        }
        return new Handle(inode, file, generation, true);
    }

    @Override
    public synchronized boolean isDirectory(Path dir) {
        return dirs.contains(dir.toAbsolutePath());
    }

    @Override
    public synchronized void createDirectory(Path dir) throws IOException {
        change();
        Path p = dir.toAbsolutePath();
        parentExists(p);
        if (dirs.contains(p) || files.containsKey(p)) {
            throw new FileAlreadyExistsException(p.toString());
        }
        dirs.add(p);
        dirChanges.add(new DirChange(p.getParent(), p, null, true, null));
    }

    @Override
    public synchronized List<Path> list(Path dir) throws IOException {
        alive();
        Path p = dir.toAbsolutePath();
        if (!dirs.contains(p)) {
            throw new NoSuchFileException(p.toString());
        }
        List<Path> out = new ArrayList<>();
        for (Path f : files.keySet()) {
            if (p.equals(f.getParent())) {
                out.add(f);
            }
        }
        for (Path d : dirs) {
            if (p.equals(d.getParent())) {
                out.add(d);
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public synchronized void deleteIfExists(Path file) throws IOException {
        change();
        Path p = file.toAbsolutePath();
        if (files.remove(p) != null) {
            dirChanges.add(new DirChange(p.getParent(), p, null, false, null));
        }
    }

    @Override
    public synchronized void replace(Path from, Path to) throws IOException {
        change();
        Path f = from.toAbsolutePath();
        Path t = to.toAbsolutePath();
        Inode inode = files.remove(f);
        if (inode == null) {
            throw new NoSuchFileException(f.toString());
        }
        files.put(t, inode);
        // One atomic step (the store renames within a directory): both names change together on the disk.
        dirChanges.add(new DirChange(t.getParent(), t, inode, false, f));
    }

    @Override
    public synchronized void forceDirectory(Path dir) throws IOException {
        change();
        Path p = dir.toAbsolutePath();
        List<DirChange> rest = new ArrayList<>();
        for (DirChange c : dirChanges) {
            if (p.equals(c.dir())) {
                applyDurably(c);
            } else {
                rest.add(c);
            }
        }
        dirChanges.clear();
        dirChanges.addAll(rest);
    }

    @Override
    public synchronized AutoCloseable tryLock(Path file) throws IOException {
        alive();
        Path p = file.toAbsolutePath();
        if (!locks.add(p)) {
            return null;
        }
        long gen = generation;
        return () -> {
            synchronized (FaultyFiles.this) {
                if (generation == gen) {
                    locks.remove(p);
                }
            }
        };
    }

    private void parentExists(Path p) throws IOException {
        if (!dirs.contains(p.getParent())) {
            throw new NoSuchFileException(p.getParent().toString());
        }
    }

    /** An open file; dead once the power was cut after it was opened. */
    private final class Handle implements StoreFile {
        private final Inode inode;
        private final String name;
        private final long openedIn;
        private final boolean readOnly;
        private boolean closed;

        Handle(Inode inode, Path path, long openedIn, boolean readOnly) {
            this.inode = inode;
            this.name = path.getFileName().toString();
            this.openedIn = openedIn;
            this.readOnly = readOnly;
        }

        private void usable() throws IOException {
            alive();
            if (openedIn != generation || closed) {
                throw new IOException("handle closed or opened before the power cut");
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            synchronized (FaultyFiles.this) {
                usable();
                if (position >= inode.currentSize) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), inode.currentSize - position);
                dst.put(inode.current, (int) position, n);
                return n;
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            synchronized (FaultyFiles.this) {
                usable();
                if (readOnly) {
                    throw new IOException("Bad file descriptor (opened for reading)");
                }
                change();
                if (failingWrites > 0) {
                    failingWrites--;
                    throw new IOException("Input/output error (simulated)");
                }
                long end = position + src.remaining();
                long grows = Math.max(0, end - inode.currentSize);
                long free = capacity - usedBytes();
                int n = src.remaining();
                if (grows > free) {
                    n = (int) Math.max(0, n - (grows - Math.max(0, free)));
                    if (n == 0) {
                        throw new IOException("No space left on device");
                    }
                }
                byte[] bytes = new byte[n];
                src.get(bytes);
                long to = position + n;
                if (to > inode.current.length) {
                    inode.current = Arrays.copyOf(inode.current, (int) Math.max(to, inode.current.length * 2L));
                }
                if (position > inode.currentSize) {
                    Arrays.fill(inode.current, inode.currentSize, (int) position, (byte) 0);
                }
                System.arraycopy(bytes, 0, inode.current, (int) position, n);
                inode.currentSize = (int) Math.max(inode.currentSize, to);
                inode.unsynced.add(new Change(position, bytes, -1));
                return n;
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (FaultyFiles.this) {
                usable();
                return inode.currentSize;
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            synchronized (FaultyFiles.this) {
                usable();
                change();
                if (size < inode.currentSize) {
                    inode.currentSize = (int) size;
                    inode.unsynced.add(new Change(0, null, size));
                }
            }
        }

        @Override
        public void force() throws IOException {
            synchronized (FaultyFiles.this) {
                usable();
                change();
                if (failingForces > 0) {
                    failingForces--;
                    // Like Linux after a failed writeback: the pages are marked clean, their data never reaches disk.
                    inode.lost.addAll(inode.unsynced);
                    throw new IOException("Input/output error (simulated)");
                }
                byte[] data = inode.durable;
                int size = data.length;
                for (Change ch : inode.unsynced) {
                    if (inode.lost.contains(ch)) {
                        continue;
                    }
                    if (ch.bytes() == null) {
                        size = (int) Math.min(size, ch.truncateTo());
                        continue;
                    }
                    long to = ch.offset() + ch.bytes().length;
                    if (to > data.length) {
                        data = Arrays.copyOf(data, (int) Math.max(to, data.length * 2L));
                    }
                    if (ch.offset() > size) {
                        Arrays.fill(data, size, (int) ch.offset(), (byte) 0);
                    }
                    System.arraycopy(ch.bytes(), 0, data, (int) ch.offset(), ch.bytes().length);
                    size = (int) Math.max(size, to);
                }
                inode.durable = Arrays.copyOf(data, size);
                inode.unsynced.clear();
                inode.lost.clear();
                forcesByName.merge(name, 1, Integer::sum);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
