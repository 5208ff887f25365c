package io.outpost.app.ops;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd the gateway is ready and feeds its watchdog, but only while the pipeline makes progress: a
 * gateway whose threads are alive but whose pipeline is stalled gets restarted by systemd ({@code WatchdogSec}).
 *
 * <p>The JVM cannot send on systemd's datagram notify socket, so this runs {@code systemd-notify}; the unit
 * therefore sets {@code NotifyAccess=all}. Pings go out four times per watchdog period, so one lost ping does not
 * trigger a restart.
 */
public final class SystemdWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdWatchdog.class);

    private final Map<String, String> environment;
    private final HealthMonitor health;
    private final Duration period;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            io.outpost.core.runtime.CoreServices.named("outpost-watchdog-", true));
    private boolean lastHealthy = true;

    SystemdWatchdog(Map<String, String> environment, HealthMonitor health, Duration period) {
        this.environment = environment;
        this.health = health;
        this.period = period;
    }

    /** A watchdog when running under systemd with {@code NOTIFY_SOCKET} (and {@code WATCHDOG_USEC} for pings). */
    public static Optional<SystemdWatchdog> fromEnvironment(Map<String, String> env, HealthMonitor health) {
        if (env.get("NOTIFY_SOCKET") == null) {
            return Optional.empty();
        }
        long usec = parse(env.get("WATCHDOG_USEC"));
        Duration period = usec > 0 ? Duration.ofNanos(usec * 1000 / 4) : Duration.ZERO;
        return Optional.of(new SystemdWatchdog(env, health, period));
    }

    /** Sends READY=1 and starts feeding the watchdog. */
    public SystemdWatchdog start(String status) {
        notify("READY=1", "STATUS=" + status);
        if (!period.isZero()) {
            timer.scheduleAtFixedRate(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    void tick() {
        HealthMonitor.Report report = health.report();
        if (report.healthy()) {
            if (!lastHealthy) {
                LOG.info("pipeline makes progress again: feeding the systemd watchdog");
            }
            notify("WATCHDOG=1", "STATUS=healthy");
        } else {
            String stalled = report.items().stream().filter(h -> !h.healthy())
                    .map(h -> h.component() + ": " + h.detail()).collect(Collectors.joining("; "));
            if (lastHealthy) {
                LOG.warn("pipeline stalled, not feeding the systemd watchdog (systemd restarts the gateway if this lasts): {}",
                        stalled);
            }
            notify("STATUS=stalled: " + stalled);
        }
        lastHealthy = report.healthy();
    }

    private void notify(String... assignments) {
        List<String> command = new ArrayList<>();
        command.add("systemd-notify");
        command.addAll(List.of(assignments));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("NOTIFY_SOCKET", environment.get("NOTIFY_SOCKET"));
        try {
            Process p = pb.start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("systemd-notify did not finish within 5 s");
            } else if (p.exitValue() != 0) {
                LOG.warn("systemd-notify {} failed with status {}", assignments[0], p.exitValue());
            }
        } catch (IOException e) {
            LOG.warn("cannot run systemd-notify: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long parse(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            LOG.warn("ignoring WATCHDOG_USEC={}: not a number", text);
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
