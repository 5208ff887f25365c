package io.outpost.app.fleet;

import io.outpost.app.log.RecentLines;
import io.outpost.app.log.SecretMask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code logs} ({@code lines}, default 100, at most {@value RecentLines#CAPACITY}): the last log lines, oldest first,
 * from the in-memory ring the logging keeps ({@link RecentLines}), with every secret of the running configuration
 * masked ({@link SecretMask}). The answer keeps the newest lines that fit {@link RemoteCommands#MAX_RESPONSE_BYTES};
 * {@code "truncated":true} when lines were left out for size. Read-only.
 */
final class RemoteLogs implements RemoteCommand {

    /** Room for the rest of the answer (id, flags). */
    private static final int BUDGET = RemoteCommands.MAX_RESPONSE_BYTES - 512;

    private final FleetHost host;

    RemoteLogs(FleetHost host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "logs";
    }

    @Override
    public boolean signed() {
        return false;
    }

    @Override
    public FleetJson.Body run(CommandRequest request) throws CommandFailure {
        int wanted = request.integer("lines", 100, 1, RecentLines.CAPACITY);
        List<String> all = host.recentLog(wanted);
        SecretMask mask = SecretMask.of(host.config());
        List<String> kept = new ArrayList<>();
        long size = 0;
        for (int i = all.size() - 1; i >= 0; i--) {
            String line = mask.apply(all.get(i));
            size += jsonSize(line);
            if (size > BUDGET) {
                break;
            }
            kept.add(line);
        }
        Collections.reverse(kept);
        boolean truncated = kept.size() < all.size();
        return g -> {
            g.writeNumberField("lines", kept.size());
            g.writeBooleanField("truncated", truncated);
            g.writeArrayFieldStart("log");
            for (String line : kept) {
                g.writeString(line);
            }
            g.writeEndArray();
        };
    }

    /** An upper bound of the line's size as a JSON string in an array (quotes, comma, escapes). */
    private static long jsonSize(String line) {
        long escapes = line.chars().filter(c -> c < 0x20 || c == '"' || c == '\\').count();
        return line.getBytes(StandardCharsets.UTF_8).length + 3 + escapes * 5;
    }
}
