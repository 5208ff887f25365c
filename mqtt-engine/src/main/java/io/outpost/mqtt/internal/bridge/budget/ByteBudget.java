package io.outpost.mqtt.internal.bridge.budget;

import io.outpost.core.config.ByteSizes;
import io.outpost.core.files.AtomicFiles;
import io.outpost.mqtt.bridge.config.BudgetConfig;
import io.outpost.mqtt.internal.bridge.store.StoreClass;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream's byte budget per day or month (UTC). It counts what the upstream's connections moved at the socket,
 * both directions, and keeps the count in the queue directory so that a restart does not reset it. From
 * {@code low-at} on, telemetry (every class not in {@code keep}) is thinned to one reading per local topic per
 * {@code min-interval}: the readings in between are dropped (counted as {@code thinned}). With the budget used up,
 * only the kept classes are sent; the rest stays queued (bounded by the store as always) and goes out when the next
 * period starts. Kept classes are never thinned nor held: an alarm is worth an overdraft.
 *
 * <p>Confined to the upstream's thread; {@link #used()}, {@link #state()} and {@link #limit()} may be read from
 * any thread (meters).
 */
public final class ByteBudget {

    private static final Logger LOG = LoggerFactory.getLogger(ByteBudget.class);
    private static final long SAVE_EVERY_MILLIS = 60_000;

    /** Where the budget stands. */
    public enum State {
        NORMAL, LOW, EXHAUSTED;

        /** The gauge value and the name in logs and status: 0 normal, 1 low, 2 exhausted. */
        public int level() {
            return ordinal();
        }
    }

    private final String upstream;
    private final BudgetConfig config;
    private final boolean[] kept;
    private final Path file;
    private final Map<String, Long> lastSent = new HashMap<>();
    private long periodStart;
    private long periodEnd;
    private volatile long used;
    private volatile State state = State.NORMAL;
    /** The link's byte count at the last update; the count starts at 0 with the upstream. */
    private long lastLinkBytes;
    private long savedUsed = -1;
    private long savedAt;

    /**
     * @param classes the store's classes, by index as queued messages name them
     * @param dir     the upstream's queue directory, where the count is kept
     */
    public ByteBudget(String upstream, BudgetConfig config, List<StoreClass> classes, Path dir, long nowMillis) {
        this.upstream = upstream;
        this.config = config;
        this.kept = new boolean[classes.size()];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = config.keep().contains(classes.get(i).name());
        }
        this.file = dir.resolve("budget");
        setPeriod(nowMillis);
        load();
        state = stateFor(used);
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split("\\s+");
            if (parts.length == 2 && Long.parseLong(parts[0]) == periodStart) {
                used = Long.parseLong(parts[1]);
                savedUsed = used;
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("upstream {}: the budget count in {} is unreadable ({}); counting from 0 for this period",
                    upstream, file, e.toString());
        }
    }

    /**
     * Counts the bytes moved since the last call and moves to the next period when it started. Called every tick.
     *
     * @param linkBytes bytes the upstream's connections moved so far (sent and received)
     * @return true when the state changed (the sender should look at its queue again)
     */
    public boolean update(long linkBytes, long nowMillis) {
        if (linkBytes > lastLinkBytes) {
            used += linkBytes - lastLinkBytes;
        }
        lastLinkBytes = linkBytes;
        if (nowMillis >= periodEnd || nowMillis < periodStart) {
            setPeriod(nowMillis);
            used = 0;
            lastSent.clear();
        }
        State next = stateFor(used);
        boolean changed = next != state;
        if (changed) {
            log(state, next);
            state = next;
            if (next == State.NORMAL) {
                lastSent.clear();
            }
        }
        if (used != savedUsed && (changed || nowMillis - savedAt >= SAVE_EVERY_MILLIS)) {
            save(nowMillis);
        }
        return changed;
    }

    private State stateFor(long bytes) {
        if (bytes >= config.bytes()) {
            return State.EXHAUSTED;
        }
        return bytes * 100 >= config.bytes() * config.lowAtPercent() ? State.LOW : State.NORMAL;
    }

    private void log(State from, State to) {
        String until = Instant.ofEpochMilli(periodEnd).toString();
        String figures = ByteSizes.format(used) + " of " + ByteSizes.format(config.bytes()) + " this "
                + config.per().name().toLowerCase(Locale.ROOT);
        switch (to) {
            case LOW -> LOG.warn("upstream {}: uplink budget running low ({}); telemetry thinned to one reading per "
                    + "topic every {}s until {}, classes {} sent in full", upstream, figures,
                    config.minInterval().toSeconds(), until, config.keep());
            case EXHAUSTED -> LOG.warn("upstream {}: uplink budget used up ({}); only classes {} are sent, the rest "
                    + "stays queued until {}", upstream, figures, config.keep(), until);
            case NORMAL -> LOG.info("upstream {}: uplink budget {} ({}); sending everything again", upstream,
                    from == State.EXHAUSTED || used == 0 ? "renewed" : "back under its low mark", figures);
        }
    }

    private void setPeriod(long nowMillis) {
        LocalDate today = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate start;
        LocalDate end;
        if (config.per() == BudgetConfig.Period.DAY) {
            start = today;
            end = today.plusDays(1);
        } else {
            start = today.withDayOfMonth(config.startDay());
            if (start.isAfter(today)) {
                start = start.minusMonths(1);
            }
            end = start.plusMonths(1);
        }
        periodStart = start.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        periodEnd = end.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** True while the class's messages must stay queued (budget used up and the class not kept). */
    public boolean holds(int classIndex) {
        return state == State.EXHAUSTED && !isKept(classIndex);
    }

    /**
     * True when the message is to be dropped as thinned: the budget is low, its class is not kept, and a reading of
     * its local topic went out less than {@code min-interval} before its time. Does not count it as sent: see
     * {@link #sending}.
     */
    public boolean thins(StoredRecord m) {
        if (state == State.NORMAL || isKept(m.ref().classIndex())) {
            return false;
        }
        Long last = lastSent.get(m.localTopic());
        // Either direction: a replayed backlog (older than what went live) is thinned the same way.
        return last != null && Math.abs(time(m) - last) < config.minInterval().toMillis();
    }

    /** The message goes out: with the budget low, it is the reading the next ones of its topic are measured from. */
    public void sending(StoredRecord m) {
        if (state != State.NORMAL && !isKept(m.ref().classIndex())) {
            lastSent.put(m.localTopic(), time(m));
        }
    }

    private boolean isKept(int classIndex) {
        return classIndex < kept.length && kept[classIndex];
    }

    private static long time(StoredRecord m) {
        return m.sample() != null ? m.sample().sourceMillis() : m.receivedAtMillis();
    }

    /** Writes the count for the next start (also called when the upstream closes). */
    public void save(long nowMillis) {
        savedAt = nowMillis;
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, (periodStart + " " + used + "\n").getBytes(StandardCharsets.US_ASCII), false);
            savedUsed = used;
        } catch (IOException e) {
            // The budget still works in memory; a restart before the next save counts a little less.
            LOG.warn("upstream {}: cannot save the budget count to {}: {}", upstream, file, e.toString());
        }
    }

    public long used() {
        return used;
    }

    public long limit() {
        return config.bytes();
    }

    public State state() {
        return state;
    }

    /** When the current period ends (epoch milliseconds): the held messages go out then. */
    public long periodEnd() {
        return periodEnd;
    }
}
