package io.outpost.mqtt.internal.bridge.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file-system operation the store uses, behind one narrow interface: the real one works on
 * {@link java.nio.channels.FileChannel} ({@link ChannelStoreFiles}); tests put a fault-injecting one in its place
 * that simulates power cuts (unsynced writes dropped, torn or reordered) and full or failing disks, to drive the
 * real store through them.
 *
 * <p>Durability follows POSIX: a file's written bytes survive a power cut once {@link StoreFile#force()} returned; a
 * created, renamed or deleted directory entry once {@link #forceDirectory} of its directory returned.
 *
 * <p>Threads: the methods may be called from any thread and may block.
 */
interface StoreFiles {

    /** Creates a new file for reading and writing; fails if it exists. */
    StoreFile create(Path file) throws IOException;

    /** Opens a file for reading and writing, creating it (empty) when missing. */
    StoreFile open(Path file) throws IOException;

    /** Opens an existing file for reading; {@link java.nio.file.NoSuchFileException} when it is missing. */
    StoreFile openRead(Path file) throws IOException;

    boolean isDirectory(Path dir);

    /** Creates one directory whose parent exists; {@link java.nio.file.FileAlreadyExistsException} when it exists. */
    void createDirectory(Path dir) throws IOException;

    /** The entries of a directory (files and directories), in no particular order. */
    List<Path> list(Path dir) throws IOException;

    void deleteIfExists(Path file) throws IOException;

    /** Renames {@code from} over {@code to} atomically: after a crash either name holds one complete file. */
    void replace(Path from, Path to) throws IOException;

    /** Flushes a directory, so that entries created, renamed or deleted in it stay so after a power cut. */
    void forceDirectory(Path dir) throws IOException;

    /**
     * Takes the store's exclusive lock on {@code file} (so two processes never share a queue); null when another
     * holds it. Closing the result releases it.
     */
    AutoCloseable tryLock(Path file) throws IOException;
}
