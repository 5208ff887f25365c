package io.outpost.mqtt.internal.bridge.route;

import io.outpost.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet ids of QoS 2 messages from an upstream (commands of reverse rules) that were published locally and
 * acknowledged with PUBREC, until the upstream's PUBREL: a PUBLISH sent again with one of them (its PUBREC was lost,
 * or the gateway restarted) is acknowledged again, never published again. Kept in its own small file under the
 * upstream's data directory ({@code reverse-qos2}), replaced atomically and flushed to disk at every change, before
 * the PUBREC (or PUBCOMP) that depends on it goes out, so a command is executed once across a crash, a power cut or a
 * restart. A lost PUBCOMP costs nothing: the id is off disk before it goes, and a new message reusing the id is a
 * new message. Commands are rare; two flushes each are cheap. Confined to the upstream's thread (blocking IO).
 */
final class CommandHandshakes {

    private static final Logger LOG = LoggerFactory.getLogger(CommandHandshakes.class);

    private final Path file;
    private final String upstream;
    private final Set<Integer> ids = new TreeSet<>();
    private boolean saveFailed;

    private CommandHandshakes(Path file, String upstream) {
        this.file = file;
        this.upstream = upstream;
    }

    /** State kept in memory only (tests of the routing alone). */
    static CommandHandshakes inMemory(String upstream) {
        return new CommandHandshakes(null, upstream);
    }

    /** Reads the ids left by the last run from {@code dir/reverse-qos2} (none when the file is absent). */
    public static CommandHandshakes open(Path dir, String upstream) {
        CommandHandshakes h = new CommandHandshakes(dir.resolve("reverse-qos2"), upstream);
        if (Files.exists(h.file)) {
            try {
                for (String line : Files.readAllLines(h.file, StandardCharsets.US_ASCII)) {
                    if (!line.isBlank()) {
                        h.ids.add(Integer.parseInt(line.trim()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                LOG.warn("upstream {}: {} is unreadable ({}); QoS 2 commands under way before the restart may be "
                        + "published twice", upstream, h.file, e.toString());
            }
        }
        if (!h.ids.isEmpty()) {
            LOG.info("upstream {}: {} QoS 2 command handshake(s) under way before the restart", upstream, h.ids.size());
        }
        return h;
    }

    public boolean contains(int packetId) {
        return ids.contains(packetId);
    }

    /** Records a packet id (on disk when this returns). */
    public void add(int packetId) {
        if (ids.add(packetId)) {
            save();
        }
    }

    /** Forgets a packet id (on disk when this returns). */
    public void remove(int packetId) {
        if (ids.remove(packetId)) {
            save();
        }
    }

    /** Forgets every id: the server kept no session, so its packet ids start afresh. */
    public void clear() {
        if (!ids.isEmpty()) {
            ids.clear();
            save();
        }
    }

    public int size() {
        return ids.size();
    }

    private void save() {
        if (file == null) {
            return;
        }
        String text = ids.stream().map(String::valueOf).collect(Collectors.joining("\n", "", ids.isEmpty() ? "" : "\n"));
        try {
            AtomicFiles.write(file, text.getBytes(StandardCharsets.US_ASCII), false);
            if (saveFailed) {
                LOG.info("upstream {}: {} is written again", upstream, file);
                saveFailed = false;
            }
        } catch (IOException e) {
            // Commands keep flowing (de-duplicated in memory for this run); only the guarantee across a restart is
            // lost while the disk refuses, which the operator must see.
            if (!saveFailed) {
                LOG.error("upstream {}: cannot save {} ({}); a QoS 2 command under way during a restart may be "
                        + "published twice", upstream, file, e.toString());
                saveFailed = true;
            }
        }
    }
}
