package io.outpost.mqtt.bridge.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** File-system steps the store needs: flushing a directory entry, listing segment files in order. */
final class SegmentFiles {

    private static final String SUFFIX = ".seg";

    private SegmentFiles() {
    }

    /** Flushes a directory, so that files created, renamed or deleted in it stay so after a power cut. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Segment ids in a class directory, oldest first; files that are not segments are left alone. */
    static List<Long> segmentIds(Path classDir) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(classDir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                try {
                    ids.add(Long.parseUnsignedLong(name.substring(0, name.length() - SUFFIX.length()), 16));
                } catch (NumberFormatException notOurs) {
                    // A file someone else put here; recovery leaves what it does not own untouched.
                    continue;
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    static Path segmentPath(Path classDir, long id) {
        return classDir.resolve(String.format(Locale.ROOT, "%016x", id) + SUFFIX);
    }
}
