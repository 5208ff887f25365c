package io.outpost.app.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Everything behind the operations endpoint, wired once: health checks, the HTTP server, the console's history
 * and recent events, and the systemd watchdog when running under systemd.
 */
public final class OpsEndpoint implements AutoCloseable {

    private final HealthMonitor health;
    private final RecentEvents events;
    private final OpsServer server;
    private final Optional<SystemdWatchdog> watchdog;

    private OpsEndpoint(HealthMonitor health, RecentEvents events, OpsServer server, Optional<SystemdWatchdog> watchdog) {
        this.health = health;
        this.events = events;
        this.server = server;
        this.watchdog = watchdog;
    }

    /**
     * Starts the endpoint (unless disabled) and the watchdog.
     *
     * @param upstreams the upstreams' current state, for the API, the console and health
     * @param extraChecks further progress checks (the upstreams' own)
     * @param logic the alarms and trends the console shows and acts on
     * @param loops where the HTTP server runs (the gateway's control loop); the caller ends them after {@link #close()}
     */
    public static OpsEndpoint start(OpsConfig config, GatewayRuntime runtime, PrometheusMeterRegistry prometheus,
                                    Supplier<List<UpstreamStatus>> upstreams, List<HealthCheck> extraChecks,
                                    String version, Map<String, String> environment, ConsoleLogic logic,
                                    EventLoopGroup loops)
            throws InterruptedException, SSLException {
        HealthMonitor health = new HealthMonitor(System::nanoTime);
        health.add(new CoreHealth(runtime, System.nanoTime()));
        extraChecks.forEach(health::add);
        RecentEvents events = new RecentEvents(200).attach();
        MetricsHistory history = new MetricsHistory(upstreams, () -> (long) prometheus.find("outpost.points.reported")
                .counters().stream().mapToDouble(c -> c.count()).sum());
        OpsServer server = null;
        if (config.enabled()) {
            JsonApi api = new JsonApi(runtime, upstreams, health, history, events, Clock.systemUTC(), version);
            server = new OpsServer(config, api, health, prometheus, history, logic, loops).start();
        }
        Optional<SystemdWatchdog> watchdog = SystemdWatchdog.fromEnvironment(environment, health)
                .map(w -> w.start("gateway " + runtime.config().gateway().id() + " running"));
        return new OpsEndpoint(health, events, server, watchdog);
    }

    public HealthMonitor health() {
        return health;
    }

    /** The bound port, or -1 when the endpoint is disabled. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    @Override
    public void close() {
        watchdog.ifPresent(SystemdWatchdog::close);
        if (server != null) {
            server.close();
        }
        events.detach();
    }
}
