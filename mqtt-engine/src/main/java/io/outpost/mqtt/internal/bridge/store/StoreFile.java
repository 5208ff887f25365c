package io.outpost.mqtt.internal.bridge.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open file of the store, with exactly the operations the store uses: positional reads and writes, size,
 * truncate and flush. Written data is on stable storage only after {@link #force()}; until then a power cut may
 * lose it, tear it or keep part of it (see {@link StoreFiles}). Not thread-safe: a file is used by one thread (the
 * writer, recovery, or one cursor).
 */
interface StoreFile extends AutoCloseable {

    /** Reads into {@code dst} from {@code position}; -1 at the end of the file. May block. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes {@code src} at {@code position}; returns the bytes written (may be fewer than remain). May block. */
    int write(ByteBuffer src, long position) throws IOException;

    long size() throws IOException;

    void truncate(long size) throws IOException;

    /** Puts what was written on stable storage (data, not the directory entry: see {@link StoreFiles#forceDirectory}). */
    void force() throws IOException;

    @Override
    void close() throws IOException;
}
