package io.outpost.core.logic.alarm;

import io.outpost.core.files.AtomicFiles;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alarm states kept across restarts: {@code <data-dir>/alarms/state.txt}, one line per alarm that is not plain
 * normal (a normal alarm that nobody acted on needs no line), replaced atomically (temporary file, fsync, rename,
 * fsync of the directory) so that a power cut leaves the old or the new file, never a mix. Text, so that an
 * engineer can read it: {@code device point alarm status active active-since changed ack-by ack-ts shelved-until
 * shelved-by}, tab-separated, names URL-encoded. A line that cannot be read is logged and skipped; the rest is used.
 *
 * Blocking: called on the alarm service's save thread, and once at start.
 */
public final class AlarmStateFile {

    private static final Logger LOG = LoggerFactory.getLogger(AlarmStateFile.class);
    static final String HEADER = "outpost-alarms 1";

    private final Path file;

    public AlarmStateFile(Path file) {
        this.file = file;
    }

    /** The default place in a data directory. */
    public static AlarmStateFile in(Path dataDir) {
        return new AlarmStateFile(dataDir.resolve("alarms").resolve("state.txt"));
    }

    public Path path() {
        return file;
    }

    /** The saved alarms by id ({@code device/point/alarm}); empty when there is no file. */
    public Map<String, SavedAlarm> load() throws IOException {
        Map<String, SavedAlarm> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            LOG.warn("{}: not an alarm state file (first line is not '{}'); alarm states start from normal", file, HEADER);
            return out;
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                SavedAlarm s = parse(line);
                out.put(s.id(), s);
            } catch (RuntimeException e) {
                LOG.warn("{}:{}: unreadable alarm state skipped ({})", file, i + 1, e.toString());
            }
        }
        return out;
    }

    private static SavedAlarm parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 11) {
            throw new IllegalArgumentException("expected 11 fields, found " + f.length);
        }
        AlarmStatus status = AlarmStatus.ofWireName(f[3])
                .orElseThrow(() -> new IllegalArgumentException("unknown status " + f[3]));
        String id = decode(f[0]) + "/" + decode(f[1]) + "/" + decode(f[2]);
        return new SavedAlarm(id, status, f[4].equals("1"), Long.parseLong(f[5]), Long.parseLong(f[6]), decode(f[7]),
                Long.parseLong(f[8]), Long.parseLong(f[9]), decode(f[10]));
    }

    /** Replaces the file with {@code alarms} (the not-normal ones are written). */
    public void save(Collection<AlarmSnapshot> alarms) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        List<AlarmSnapshot> kept = new ArrayList<>();
        for (AlarmSnapshot a : alarms) {
            if (a.status() != AlarmStatus.NORMAL || a.active() || !a.ackBy().isEmpty()) {
                kept.add(a);
            }
        }
        for (AlarmSnapshot a : kept) {
            text.append(encode(a.point().device())).append('\t').append(encode(a.point().point())).append('\t')
                    .append(encode(a.rule().name())).append('\t').append(a.status().wireName()).append('\t')
                    .append(a.active() ? '1' : '0').append('\t').append(a.activeSince()).append('\t')
                    .append(a.changedAt()).append('\t').append(encode(a.ackBy())).append('\t').append(a.ackAt())
                    .append('\t').append(a.shelvedUntil()).append('\t').append(encode(a.shelvedBy())).append('\n');
        }
        write(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] content) throws IOException {
        // Who acknowledged and shelved is in it: readable by the service only.
        AtomicFiles.write(file, content, true);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
