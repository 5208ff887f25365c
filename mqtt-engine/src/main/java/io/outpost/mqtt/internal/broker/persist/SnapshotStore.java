package io.outpost.mqtt.internal.broker.persist;

import io.outpost.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the broker's snapshot in {@code <data-dir>/broker/state.bin}, replaced atomically on every save. A file
 * that cannot be read is moved aside (never deleted) and the broker starts empty, saying so in the log. Blocking:
 * call it from the broker's persistence thread or at start and stop.
 */
public final class SnapshotStore {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    static final String FILE = "state.bin";

    private final Path file;

    public SnapshotStore(Path directory) {
        this.file = directory.resolve(FILE);
    }

    public BrokerSnapshot load() throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return BrokerSnapshot.EMPTY;
        }
        try {
            return SnapshotCodec.decode(data);
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(FILE + ".unreadable-" + System.currentTimeMillis());
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.error("the broker state in {} cannot be read ({}); moved it to {} and starting without saved "
                    + "sessions and retained messages", file, e.getMessage(), aside);
            return BrokerSnapshot.EMPTY;
        }
    }

    public void save(BrokerSnapshot snapshot) throws IOException {
        AtomicFiles.write(file, SnapshotCodec.encode(snapshot), true);
    }

    public Path file() {
        return file;
    }
}
