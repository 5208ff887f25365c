package io.outpost.app.fleet;

import io.outpost.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes a signed command good for one use. A command envelope's {@code version} is the time it was signed
 * (milliseconds since the epoch). The gateway takes it only when
 * <ul>
 *   <li>that time is within {@code max-age} of its own clock, either way ({@code expired}): a command captured on the
 *       broker cannot be played an hour later, and a command signed on a workstation whose clock is far off is
 *       refused rather than kept;</li>
 *   <li>it never took this signing time with these payload bytes before ({@code replay}): within its max-age a
 *       command cannot be played twice.</li>
 * </ul>
 * What was taken is remembered until it is too old to pass the first check anyway, in a file beside the
 * configuration ({@code <config file>.fleet/commands-seen}, written atomically before the command runs) so that a
 * restart does not open the window again. Several operators may sign at once: nothing needs their clocks to agree
 * beyond {@code max-age}. At most {@value #MAX_REMEMBERED} commands are remembered; beyond that signed commands are
 * refused ({@code busy}) until old ones age out. Confined to the fleet agent's thread.
 */
final class CommandReplayGuard {

    static final int MAX_REMEMBERED = 1000;

    private final Path file;
    private final Clock clock;
    private final int maxRemembered;
    /** "signedAt sha256" -> signedAt, in arrival order. */
    private Map<String, Long> seen;

    CommandReplayGuard(Path file, Clock clock) {
        this(file, clock, MAX_REMEMBERED);
    }

    CommandReplayGuard(Path file, Clock clock, int maxRemembered) {
        this.file = file;
        this.clock = clock;
        this.maxRemembered = maxRemembered;
    }

    /**
     * Takes a command signed at {@code signedAtMillis} with a payload of hash {@code sha256}, or refuses it.
     *
     * @throws SignedEnvelope.EnvelopeException {@code expired}, {@code replay} or {@code busy}
     * @throws IOException                      when it cannot be remembered (the command must not run then)
     */
    void admit(long signedAtMillis, String sha256, Duration maxAge) throws SignedEnvelope.EnvelopeException, IOException {
        long now = clock.millis();
        if (Math.abs(now - signedAtMillis) > maxAge.toMillis()) {
            throw new SignedEnvelope.EnvelopeException("expired", "signed at " + java.time.Instant.ofEpochMilli(
                    signedAtMillis) + ", more than " + maxAge.toSeconds() + " s from the gateway's clock ("
                    + java.time.Instant.ofEpochMilli(now) + ")");
        }
        Map<String, Long> remembered = load();
        remembered.values().removeIf(t -> Math.abs(now - t) > maxAge.toMillis());
        String key = signedAtMillis + " " + sha256;
        if (remembered.containsKey(key)) {
            throw new SignedEnvelope.EnvelopeException("replay", "this signed command was taken already");
        }
        if (remembered.size() >= maxRemembered) {
            throw new SignedEnvelope.EnvelopeException("busy", maxRemembered + " signed commands within "
                    + maxAge.toSeconds() + " s; try again later");
        }
        remembered.put(key, signedAtMillis);
        StringBuilder text = new StringBuilder();
        remembered.keySet().forEach(k -> text.append(k).append('\n'));
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.US_ASCII), true);
    }

    private Map<String, Long> load() throws IOException {
        if (seen == null) {
            seen = new LinkedHashMap<>();
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                    int space = line.indexOf(' ');
                    if (space > 0) {
                        try {
                            seen.put(line, Long.parseLong(line.substring(0, space)));
                        } catch (NumberFormatException e) {
                            // A damaged line names no command that could be replayed within max-age: drop it.
                        }
                    }
                }
            }
        }
        return seen;
    }
}
