package io.outpost.core.logic.aggregate;

import io.outpost.core.files.AtomicFiles;
import io.outpost.core.point.PointRef;
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
 * The open aggregation windows kept across restarts: {@code <data-dir>/aggregates/state.txt}, one line per point and
 * rule, replaced atomically (temporary file, fsync, rename) so that a power cut leaves the old or the new file. Text,
 * tab-separated, names URL-encoded: {@code device point every-ms topic} (which window of which rule), then the
 * window's running statistics ({@link WindowStats.State}; doubles as Java writes them, exact both ways).
 *
 * <p>Never a reason not to start: a file that is too big, of another version or unreadable is logged and the
 * windows start afresh; an unreadable line loses that window only. Bounded: at most {@link #MAX_BYTES} are read.
 *
 * <p>Blocking: called on the aggregator's save executor, at its start and at its close.
 */
public final class AggregateStateFile {

    private static final Logger LOG = LoggerFactory.getLogger(AggregateStateFile.class);
    static final String HEADER = "outpost-aggregates 1";
    /** About 300 bytes per window: room for 200,000 points' windows. */
    static final long MAX_BYTES = 64L * 1024 * 1024;
    private static final int FIELDS = 22;

    /** Which window: a point in a rule (the rule by its length and the point's topic in it). */
    record Key(PointRef point, long everyMillis, String topic) {
    }

    private final Path file;

    public AggregateStateFile(Path file) {
        this.file = file;
    }

    /** The default place in a data directory. */
    public static AggregateStateFile in(Path dataDir) {
        return new AggregateStateFile(dataDir.resolve("aggregates").resolve("state.txt"));
    }

    public Path path() {
        return file;
    }

    /** The saved windows; empty when there is no file or it cannot be used (logged). Never throws. */
    Map<Key, WindowStats.State> load() {
        Map<Key, WindowStats.State> out = new HashMap<>();
        try {
            if (!Files.exists(file)) {
                return out;
            }
            if (Files.size(file) > MAX_BYTES) {
                LOG.warn("{}: {} bytes, more than an aggregate state file can be ({}); the windows start afresh",
                        file, Files.size(file), MAX_BYTES);
                return out;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                LOG.warn("{}: not an aggregate state file of this version (first line is not '{}'); the windows start"
                        + " afresh", file, HEADER);
                return out;
            }
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                try {
                    parse(line, out);
                } catch (RuntimeException e) {
                    LOG.warn("{}:{}: unreadable aggregate window skipped ({})", file, i + 1, e.toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read {}; the aggregation windows start afresh", file, e);
            out.clear();
        }
        return out;
    }

    private static void parse(String line, Map<Key, WindowStats.State> out) {
        String[] f = line.split("\t", -1);
        if (f.length != FIELDS) {
            throw new IllegalArgumentException("expected " + FIELDS + " fields, found " + f.length);
        }
        Key key = new Key(new PointRef(decode(f[0]), decode(f[1])), Long.parseLong(f[2]), decode(f[3]));
        WindowStats.State s = new WindowStats.State(Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                bool(f[7]), bool(f[8]), Double.parseDouble(f[9]), Double.parseDouble(f[10]),
                Double.parseDouble(f[11]), Double.parseDouble(f[12]), Double.parseDouble(f[13]), Long.parseLong(f[14]),
                Integer.parseInt(f[15]), Integer.parseInt(f[16]), Integer.parseInt(f[17]), Integer.parseInt(f[18]),
                Integer.parseInt(f[19]), Double.parseDouble(f[20]), Double.parseDouble(f[21]));
        if (s.end() <= s.start() || s.end() - s.start() != key.everyMillis() || s.since() < s.start()
                || s.since() > s.end() || s.covered() < 0 || s.covered() > s.end() - s.start() || s.count() < 0) {
            throw new IllegalArgumentException("inconsistent window " + s);
        }
        out.put(key, s);
    }

    private static boolean bool(String s) {
        if (!s.equals("1") && !s.equals("0")) {
            throw new IllegalArgumentException("neither 1 nor 0: " + s);
        }
        return s.equals("1");
    }

    /** Replaces the file with these windows. */
    void save(Collection<Map.Entry<Key, WindowStats.State>> windows) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<Key, WindowStats.State> e : windows) {
            Key k = e.getKey();
            WindowStats.State s = e.getValue();
            text.append(encode(k.point().device())).append('\t').append(encode(k.point().point())).append('\t')
                    .append(k.everyMillis()).append('\t').append(encode(k.topic())).append('\t')
                    .append(s.start()).append('\t').append(s.end()).append('\t').append(s.since()).append('\t')
                    .append(s.currentNoted() ? '1' : '0').append('\t').append(s.any() ? '1' : '0').append('\t')
                    .append(s.min()).append('\t').append(s.max()).append('\t').append(s.first()).append('\t')
                    .append(s.last()).append('\t').append(s.integral()).append('\t').append(s.covered()).append('\t')
                    .append(s.count()).append('\t').append(s.good()).append('\t').append(s.uncertain()).append('\t')
                    .append(s.bad()).append('\t').append(s.usable()).append('\t').append(s.mean()).append('\t')
                    .append(s.m2()).append('\n');
        }
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
