package io.outpost.app;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Reloads the configuration on SIGHUP ({@code systemctl reload outpost}) or when the file changes. The new file
 * is validated in full first: when it has mistakes, they are logged and the running configuration stays as it is;
 * when it is valid, it is handed to {@code apply}, which changes only what differs.
 */
final class ConfigReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);
    /** Editors write a file in several steps; wait for them to settle before reading. */
    static final long SETTLE_MILLIS = 500;

    private final Path file;
    private final ConfigFiles files;
    private final Consumer<GatewayConfig> apply;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            io.outpost.core.runtime.CoreServices.named("outpost-reload-", true));
    private WatchService watcher;
    private Thread watchThread;
    private ScheduledFuture<?> pending;

    ConfigReloader(Path file, ConfigFiles files, Consumer<GatewayConfig> apply) {
        this.file = file.toAbsolutePath().normalize();
        this.files = files;
        this.apply = apply;
    }

    /** Starts watching the file; with {@code handleSighup}, SIGHUP reloads too (only in the real process). */
    ConfigReloader start(boolean handleSighup) throws IOException {
        if (handleSighup) {
            Signal.handle(new Signal("HUP"), signal -> {
                LOG.info("SIGHUP: reloading {}", file);
                reloadSoon(0);
            });
        }
        watcher = FileSystems.getDefault().newWatchService();
        // The folder, not the file: editors and config tools replace the file by renaming a new one over it.
        file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
        watchThread = new Thread(this::watch, "outpost-config-watch");
        watchThread.setDaemon(true);
        watchThread.start();
        return this;
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path changed && file.getFileName().equals(changed)) {
                        reloadSoon(SETTLE_MILLIS);
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Closing the reloader ends the watch; nothing is left to do.
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void reloadSoon(long delayMillis) {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = worker.schedule(this::reload, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Loads, validates and applies the file now; returns whether it was applied. */
    boolean reload() {
        try {
            GatewayConfig next = files.load(file);
            apply.accept(next);
            return true;
        } catch (ConfigException e) {
            LOG.error("{} has {} problem(s); the configuration was NOT reloaded and the running one stays:", file,
                    e.problems().size());
            for (ConfigProblem p : e.problems()) {
                LOG.error("  {}", p);
            }
            return false;
        } catch (RuntimeException e) {
            LOG.error("reloading {} failed; the running configuration stays", file, e);
            return false;
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("closing the config watcher: {}", e.toString());
            }
        }
    }
}
