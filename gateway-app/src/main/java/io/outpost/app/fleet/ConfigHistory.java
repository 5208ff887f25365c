package io.outpost.app.fleet;

import io.outpost.core.files.AtomicFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What the gateway keeps on disk about remote configuration, in {@code <config file>.fleet/} beside the
 * configuration file (so it is found before the configuration is read, and moves with it):
 * <ul>
 *   <li>{@code state.properties}: the highest version ever received (a lower or equal one is a replay), and the
 *       version and hash of the configuration in force;</li>
 *   <li>{@code configs/<version>-<sha256>.yaml}: the last N configurations received, named by their hash;</li>
 *   <li>{@code previous.yaml} and {@code pending.properties}: written (to stable storage) before a remote
 *       configuration replaces the file, removed when it survived its grace period. Found at start, they mean the
 *       process died during a grace period: the previous file is put back ({@link #recoverAtStart}).</li>
 *   <li>{@code report.properties}: a rollback done at start, to be reported once the fleet link is up.</li>
 * </ul>
 * Every write is atomic (temporary file, fsync, rename, fsync of the folder). Not thread-safe: one owner thread.
 */
public final class ConfigHistory {

    private final Path configFile;
    private final Path dir;
    private final int keep;

    public ConfigHistory(Path configFile, int keep) {
        this.configFile = configFile.toAbsolutePath().normalize();
        this.dir = this.configFile.resolveSibling(this.configFile.getFileName() + ".fleet");
        this.keep = keep;
    }

    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return configFile;
    }

    /** Highest version ever received (0 when none). */
    public long highestVersion() throws IOException {
        return Long.parseLong(state().getProperty("highest", "0"));
    }

    /** Version of the configuration in force (0: the file was never replaced remotely). */
    public long appliedVersion() throws IOException {
        return Long.parseLong(state().getProperty("applied", "0"));
    }

    /** Records that {@code version} was received (whatever becomes of it) and keeps its bytes. */
    public void received(long version, byte[] config, String hash) throws IOException {
        Properties s = state();
        s.setProperty("highest", Long.toString(Math.max(version, Long.parseLong(s.getProperty("highest", "0")))));
        writeState(s);
        Path configs = dir.resolve("configs");
        Files.createDirectories(configs);
        AtomicFiles.write(configs.resolve(version + "-" + hash + ".yaml"), config, true);
        prune(configs);
    }

    /** Whether {@code version} with this hash was received (and is still kept). */
    public boolean isKept(long version, String hash) {
        return Files.isRegularFile(dir.resolve("configs").resolve(version + "-" + hash + ".yaml"));
    }

    /** The kept configurations, newest first. */
    public List<Path> kept() throws IOException {
        Path configs = dir.resolve("configs");
        if (!Files.isDirectory(configs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(configs)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted(Comparator.comparingLong(ConfigHistory::versionOf).reversed()).toList();
        }
    }

    private void prune(Path configs) throws IOException {
        List<Path> all = kept();
        for (int i = keep; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    private static long versionOf(Path p) {
        String name = p.getFileName().toString();
        int dash = name.indexOf('-');
        try {
            return Long.parseLong(name.substring(0, dash < 0 ? name.length() : dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Before a remote configuration replaces the file: the running file's bytes and the marker go to stable storage.
     */
    public void beginPending(long version, String hash, byte[] previous) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("previous.yaml"), previous, true);
        Properties p = new Properties();
        p.setProperty("version", Long.toString(version));
        p.setProperty("hash", hash);
        p.setProperty("previous-hash", SignedEnvelope.sha256(previous));
        p.setProperty("previous-applied", Long.toString(appliedVersion()));
        AtomicFiles.write(dir.resolve("pending.properties"), text(p), true);
    }

    /** The pending marker, if a grace period was not finished. */
    public Optional<Properties> pending() throws IOException {
        return read(dir.resolve("pending.properties"));
    }

    /** The grace period passed: the configuration stays. */
    public void confirm(long version, String hash) throws IOException {
        Properties s = state();
        s.setProperty("applied", Long.toString(version));
        s.setProperty("hash", hash);
        writeState(s);
        Files.deleteIfExists(dir.resolve("pending.properties"));
        Files.deleteIfExists(dir.resolve("previous.yaml"));
    }

    /**
     * Puts the previous file back (atomically, keeping the file's owner and mode) and clears the marker. Returns
     * the previous bytes.
     */
    public byte[] restorePrevious() throws IOException {
        byte[] previous = Files.readAllBytes(dir.resolve("previous.yaml"));
        AtomicFiles.replaceKeepingAccess(configFile, previous, PosixFilePermissions.fromString("rw-r-----"));
        Files.deleteIfExists(dir.resolve("pending.properties"));
        Files.deleteIfExists(dir.resolve("previous.yaml"));
        return previous;
    }

    /**
     * At process start, before the configuration is read: when a grace period was running, the process died in it,
     * so the previous configuration is put back and the rollback is kept to be reported. Returns what was done.
     */
    public Optional<String> recoverAtStart() throws IOException {
        Optional<Properties> pending = pending();
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        Properties p = pending.get();
        if (!Files.isRegularFile(dir.resolve("previous.yaml"))) {
            // The marker is written after previous.yaml; without it there is nothing to go back to.
            Files.deleteIfExists(dir.resolve("pending.properties"));
            return Optional.empty();
        }
        restorePrevious();
        Properties report = new Properties();
        report.setProperty("version", p.getProperty("version", "0"));
        report.setProperty("hash", p.getProperty("hash", ""));
        report.setProperty("why", "the gateway stopped or crashed during the grace period; the previous configuration "
                + "was restored at start");
        AtomicFiles.write(dir.resolve("report.properties"), text(report), true);
        return Optional.of("configuration version " + p.getProperty("version") + " was in its grace period when the "
                + "process ended: restored the previous configuration of " + configFile);
    }

    /** A rollback done at start that was not reported yet. */
    public Optional<Properties> unreported() throws IOException {
        return read(dir.resolve("report.properties"));
    }

    public void reported() throws IOException {
        Files.deleteIfExists(dir.resolve("report.properties"));
    }

    public String appliedHash() throws IOException {
        return state().getProperty("hash", "");
    }

    private Properties state() throws IOException {
        return read(dir.resolve("state.properties")).orElseGet(Properties::new);
    }

    private void writeState(Properties s) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("state.properties"), text(s), true);
    }

    private static Optional<Properties> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        return Optional.of(p);
    }

    private static byte[] text(Properties p) {
        StringWriter w = new StringWriter();
        List<String> names = new ArrayList<>(p.stringPropertyNames());
        names.sort(null);
        for (String n : names) {
            w.write(n + "=" + p.getProperty(n).replace("\\", "\\\\").replace("\n", "\\n") + "\n");
        }
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }
}
