package io.outpost.mqtt.internal.bridge.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Naming and listing of segment files. */
final class SegmentFiles {

    private static final String SUFFIX = ".seg";

    private SegmentFiles() {
    }

    /** Segment ids in a class directory, oldest first; files that are not segments are left alone. */
    static List<Long> segmentIds(StoreFiles files, Path classDir) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (Path f : files.list(classDir)) {
            String name = f.getFileName().toString();
            if (!name.endsWith(SUFFIX)) {
                continue;
            }
            try {
                ids.add(Long.parseUnsignedLong(name.substring(0, name.length() - SUFFIX.length()), 16));
            } catch (NumberFormatException notOurs) {
                // A file someone else put here; recovery leaves what it does not own untouched.
                continue;
            }
        }
        ids.sort(null);
        return ids;
    }

    static Path segmentPath(Path classDir, long id) {
        return classDir.resolve(String.format(Locale.ROOT, "%016x", id) + SUFFIX);
    }
}
