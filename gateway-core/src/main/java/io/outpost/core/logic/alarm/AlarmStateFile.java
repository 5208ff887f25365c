package io.outpost.core.logic.alarm;

import io.outpost.core.files.AtomicFiles;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * shelved-by pending-to pending-until pending-value pending-quality}, tab-separated, names URL-encoded; the pending
 * fields are a delay that was running ({@code pending-to} 1 or 0, empty when none; the end in ms since the epoch;
 * the reading that started it as {@code b:true}, {@code i:3}, {@code r:9.5}, {@code t:text}, and {@code good} or
 * {@code bad:timeout}). Version 1 files (without the pending fields, before delays were kept) are read too. A line
 * that cannot be read is logged and skipped; the rest is used.
 *
 * Blocking: called on the alarm service's save thread, and once at start.
 */
public final class AlarmStateFile {

    private static final Logger LOG = LoggerFactory.getLogger(AlarmStateFile.class);
    static final String HEADER = "outpost-alarms 2";
    static final String HEADER_V1 = "outpost-alarms 1";

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
        boolean v1 = !lines.isEmpty() && lines.get(0).equals(HEADER_V1);
        if (lines.isEmpty() || !(lines.get(0).equals(HEADER) || v1)) {
            LOG.warn("{}: not an alarm state file (first line is not '{}'); alarm states start from normal", file, HEADER);
            return out;
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                SavedAlarm s = parse(line, v1 ? 11 : 15);
                out.put(s.id(), s);
            } catch (RuntimeException e) {
                LOG.warn("{}:{}: unreadable alarm state skipped ({})", file, i + 1, e.toString());
            }
        }
        return out;
    }

    private static SavedAlarm parse(String line, int fields) {
        String[] f = line.split("\t", -1);
        if (f.length != fields) {
            throw new IllegalArgumentException("expected " + fields + " fields, found " + f.length);
        }
        AlarmStatus status = AlarmStatus.ofWireName(f[3])
                .orElseThrow(() -> new IllegalArgumentException("unknown status " + f[3]));
        PendingDelay pending = null;
        if (fields > 11 && !f[11].isEmpty()) {
            if (!f[11].equals("1") && !f[11].equals("0")) {
                throw new IllegalArgumentException("pending-to is neither 1 nor 0: " + f[11]);
            }
            pending = new PendingDelay(f[11].equals("1"), Long.parseLong(f[12]), decodeValue(f[13]),
                    decodeQuality(f[14]));
        }
        return new SavedAlarm(new PointRef(decode(f[0]), decode(f[1])), decode(f[2]), status, f[4].equals("1"),
                Long.parseLong(f[5]), Long.parseLong(f[6]), decode(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9]),
                decode(f[10]), pending);
    }

    /** Replaces the file with {@code alarms} (those worth keeping are written). */
    public void save(Collection<SavedAlarm> alarms) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (SavedAlarm a : alarms) {
            if (!a.worthKeeping()) {
                continue;
            }
            text.append(encode(a.point().device())).append('\t').append(encode(a.point().point())).append('\t')
                    .append(encode(a.name())).append('\t').append(a.status().wireName()).append('\t')
                    .append(a.active() ? '1' : '0').append('\t').append(a.activeSince()).append('\t')
                    .append(a.changedAt()).append('\t').append(encode(a.ackBy())).append('\t').append(a.ackAt())
                    .append('\t').append(a.shelvedUntil()).append('\t').append(encode(a.shelvedBy()));
            PendingDelay p = a.pending();
            if (p == null) {
                text.append("\t\t\t\t");
            } else {
                text.append('\t').append(p.target() ? '1' : '0').append('\t').append(p.untilMillis()).append('\t')
                        .append(encodeValue(p.value())).append('\t').append(encodeQuality(p.quality()));
            }
            text.append('\n');
        }
        write(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String encodeValue(Value v) {
        if (v instanceof Value.Bool b) {
            return "b:" + b.value();
        } else if (v instanceof Value.Int i) {
            return "i:" + i.value();
        } else if (v instanceof Value.Text t) {
            return "t:" + encode(t.value());
        } else if (v != null && v.isNumeric()) {
            return "r:" + v.asDouble();
        }
        return ""; // none, or an array: the event then says no value
    }

    private static Value decodeValue(String s) {
        if (s.isEmpty()) {
            return null;
        }
        String body = s.substring(2);
        return switch (s.substring(0, 2)) {
            case "b:" -> Value.of(Boolean.parseBoolean(body));
            case "i:" -> Value.of(Long.parseLong(body));
            case "r:" -> Value.of(Double.parseDouble(body));
            case "t:" -> Value.of(decode(body));
            default -> throw new IllegalArgumentException("unknown value " + s);
        };
    }

    private static String encodeQuality(Quality q) {
        return q == null ? "" : q.status().wireName() + (q.reason().isEmpty() ? "" : ":" + encode(q.reason()));
    }

    private static Quality decodeQuality(String s) {
        if (s.isEmpty()) {
            return null;
        }
        int colon = s.indexOf(':');
        String status = colon < 0 ? s : s.substring(0, colon);
        return new Quality(Quality.Status.valueOf(status.toUpperCase(java.util.Locale.ROOT)),
                colon < 0 ? "" : decode(s.substring(colon + 1)));
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
