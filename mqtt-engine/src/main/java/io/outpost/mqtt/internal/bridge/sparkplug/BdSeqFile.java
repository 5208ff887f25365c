package io.outpost.mqtt.internal.bridge.sparkplug;

import io.outpost.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sparkplug birth/death sequence number (0-255), one more at every MQTT connection, kept in the upstream's queue
 * directory so that a restarted gateway goes on from the last one and a host never pairs a new NBIRTH with an old
 * NDEATH. Confined to the upstream's thread.
 */
final class BdSeqFile {

    private static final Logger LOG = LoggerFactory.getLogger(BdSeqFile.class);

    private final Path file;
    private long last;

    BdSeqFile(Path dir) {
        this.file = dir.resolve("sparkplug-bdseq");
        long value = -1;
        try {
            if (Files.exists(file)) {
                value = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("{} is unreadable ({}); Sparkplug bdSeq starts again from 0", file, e.toString());
        }
        this.last = value;
    }

    /** The bdSeq of the next connection, written to disk before it is used. */
    long next() {
        last = (last + 1) & 0xFF;
        try {
            AtomicFiles.write(file, Long.toString(last).getBytes(StandardCharsets.US_ASCII), false);
        } catch (IOException e) {
            // The connection still works; after a restart the host may see this number twice, which only costs a rebirth.
            LOG.warn("cannot save the Sparkplug bdSeq to {}: {}", file, e.toString());
        }
        return last;
    }

    long current() {
        return Math.max(0, last);
    }
}
