package io.outpost.mqtt.internal.bridge.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Creates directories so that they survive a power cut: each directory made is flushed into its parent (the new
 * entry lives in the parent's data, which {@code mkdir} alone leaves in the page cache). Without it, segments
 * fsynced into a class directory created moments before can vanish with the directory after a crash.
 */
final class DurableDirectories {

    private DurableDirectories() {
    }

    /** Like {@link java.nio.file.Files#createDirectories}, then flushes the parent of every directory it created. Blocks. */
    static void create(StoreFiles files, Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = absolute; p != null && !files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                files.createDirectory(p);
            } catch (FileAlreadyExistsException raced) {
                if (!files.isDirectory(p)) {
                    throw raced;
                }
                // Made by someone else in the meantime: flushing its parent below is still right.
            }
            files.forceDirectory(p.getParent());
        }
    }
}
