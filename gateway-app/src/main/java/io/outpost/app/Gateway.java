package io.outpost.app;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.outpost.app.ops.ConsoleLogic;
import io.outpost.app.ops.OpsConfig;
import io.outpost.app.ops.OpsEndpoint;
import io.outpost.app.ops.UpstreamHealth;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.core.runtime.ReloadReport;
import io.outpost.mqtt.MqttEngine;
import io.outpost.mqtt.api.ForwardingHold;
import io.outpost.mqtt.bridge.Bridge;
import io.outpost.mqtt.bridge.config.UpstreamsConfig;
import io.outpost.mqtt.bridge.config.UpstreamsSection;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerSection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway: the MQTT engine (built-in broker), the bridge to the upstreams, the core's device pollers
 * publishing into the engine, the gateway's status topic and the operations endpoint. Started in that order and
 * closed in reverse, so that nothing publishes into a part that is gone.
 */
final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /**
     * How much network clients may publish while the bridge restarts (a few seconds at most: closing flushes the
     * queues, starting recovers them) before further messages are refused; the core's readings are always held,
     * bounded by its own pending limit.
     */
    static final int HOLD_MAX_MESSAGES = 10_000;
    static final long HOLD_MAX_BYTES = 16L << 20;

    private final EventLoops loops;
    private final CoreServices services;
    private final MqttEngine engine;
    private final GatewayRuntime runtime;
    private final PrometheusMeterRegistry meters;
    private final GatewayStatus status;
    private final EdgeLogic logic;
    private volatile Bridge bridge;
    private OpsEndpoint ops;

    private Gateway(EventLoops loops, CoreServices services, MqttEngine engine, Bridge bridge,
                    GatewayRuntime runtime, PrometheusMeterRegistry meters, GatewayStatus status, EdgeLogic logic) {
        this.loops = loops;
        this.logic = logic;
        this.services = services;
        this.engine = engine;
        this.bridge = bridge;
        this.runtime = runtime;
        this.meters = meters;
        this.status = status;
    }

    /**
     * Starts everything; a port in use or an unreadable queue fails the start and stops what was started.
     *
     * @param environment the process environment (systemd's notify socket and watchdog)
     */
    static Gateway start(GatewayConfig config, ConfigFiles files, PrometheusMeterRegistry meters,
                         Map<String, String> environment) throws Exception {
        bindJvmMetrics(meters);
        BrokerConfig brokerConfig = config.section(BrokerSection.KEY, BrokerConfig.class)
                .orElseGet(() -> BrokerConfig.defaults(config.gateway().dataDir()));
        EventLoops loops = new EventLoops();
        MqttEngine engine = new MqttEngine(brokerConfig, meters, Clock.systemUTC(), loops.broker());
        try {
            engine.restore();
        } catch (IOException | RuntimeException e) {
            engine.close();
            loops.close();
            throw e;
        }
        CoreServices services = CoreServices.production(meters);
        Bridge bridge = null;
        Gateway gateway = null;
        try {
            bridge = newBridge(config, engine, meters);
            bridge.start();
            // Clients connect only now: a QoS 1/2 message acknowledged before the bridge's forwarders were
            // registered would never reach an upstream.
            engine.listen();
            GatewayRuntime runtime = new GatewayRuntime(config.gateway(), files.adapters(), engine, files.formats(),
                    services, GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ofSeconds(1));
            bridge.attach(new RuntimePointCatalog(runtime));
            GatewayStatus status = new GatewayStatus(engine.localBroker(), config, BuildInfo.version(), Clock.systemUTC());
            gateway = new Gateway(loops, services, engine, bridge, runtime, meters, status,
                    EdgeLogic.start(config, runtime, services));
            status.online();
            runtime.start(config);
            engine.routeCommands(runtime.commands());
            engine.routeAlarmCommands(gateway.logic.alarms());
            gateway.startOps(config, environment);
        } catch (Exception | Error e) {
            if (gateway != null) {
                gateway.close();
            } else {
                if (bridge != null) {
                    bridge.close();
                }
                engine.close();
                services.resources().close();
                loops.close();
            }
            throw e;
        }
        LOG.info("gateway {} running from {}", config.gateway().id(), config.file());
        return gateway;
    }

    private void startOps(GatewayConfig config, Map<String, String> environment) throws Exception {
        OpsConfig http = config.section("http", OpsConfig.class)
                .orElseThrow(() -> new IllegalStateException("the http section is not registered"));
        ops = OpsEndpoint.start(http, runtime, meters, this::upstreamStatus,
                List.of(new UpstreamHealth(this::upstreamStatus)), BuildInfo.version(), environment,
                new ConsoleLogic(logic.alarms(), logic.history(), engine::userMayPublish), loops.control());
    }

    /** A bridge for {@code config}'s upstreams; their wills and births go on the gateway status topic's remote name. */
    private static Bridge newBridge(GatewayConfig config, MqttEngine engine, PrometheusMeterRegistry meters) {
        return new Bridge(upstreams(config), config.gateway(), config.publish().gatewayStatusTopic(config.gateway()),
                engine.localBroker(), meters);
    }

    private static UpstreamsConfig upstreams(GatewayConfig config) {
        return config.section(UpstreamsSection.KEY, UpstreamsConfig.class).orElse(UpstreamsConfig.NONE);
    }

    private static void bindJvmMetrics(PrometheusMeterRegistry meters) {
        new ClassLoaderMetrics().bindTo(meters);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
    }

    List<UpstreamStatus> upstreamStatus() {
        return bridge.status();
    }

    /**
     * Applies a new, validated configuration: devices through the core (only what changed), the upstreams by
     * restarting the bridge when they changed (their queues stay on disk and resume), the broker's ACL at once (and
     * the password file, if it changed), the broker's other settings not at all (that needs a restart, which the
     * log says).
     */
    synchronized ReloadReport reload(GatewayConfig next) {
        BrokerConfig nextBroker = brokerConfig(next);
        BrokerConfig running = brokerConfig(runtime.config());
        if (!Objects.equals(withoutAcl(nextBroker), withoutAcl(running))) {
            LOG.warn("broker settings changed: they take effect after a restart (systemctl restart outpost)");
        }
        if (!Objects.equals(nextBroker.acl(), running.acl())) {
            LOG.info("broker ACL changed: applied to every client and session now");
        }
        engine.reloadAccess(nextBroker.acl());
        if (!Objects.equals(next.section("http", OpsConfig.class), runtime.config().section("http", OpsConfig.class))) {
            LOG.warn("http settings changed: they take effect after a restart (systemctl restart outpost)");
        }
        if (!upstreams(next).equals(upstreams(runtime.config()))) {
            restartBridge(next);
        }
        logic.reload(next);
        ReloadReport report = runtime.apply(next);
        engine.refreshCommands();
        return report;
    }

    /**
     * Restarts a running device's adapter with its configuration in force, as a reload restarts a changed device
     * (fleet command {@code restart-adapter}). False when no such device runs.
     */
    synchronized boolean restartDevice(String id) {
        if (!runtime.deviceIds().contains(id)) {
            return false;
        }
        DeviceConfig device = runtime.config().device(id).orElseThrow();
        LOG.info("restarting device {} (remote command)", id);
        runtime.startDevice(device);
        engine.refreshCommands();
        return true;
    }

    private static BrokerConfig brokerConfig(GatewayConfig config) {
        return config.section(BrokerSection.KEY, BrokerConfig.class)
                .orElseGet(() -> BrokerConfig.defaults(config.gateway().dataDir()));
    }

    private static BrokerConfig withoutAcl(BrokerConfig c) {
        return new BrokerConfig(c.listeners(), c.passwordFile(), null, c.limits(), c.persistence(), c.sysInterval(),
                c.clients());
    }

    private void restartBridge(GatewayConfig next) {
        LOG.info("upstreams changed: restarting the bridge (queues stay on disk and resume)");
        // Between the old forwarders leaving and the new ones registering, accepted messages would be acknowledged
        // without reaching any queue: hold them (acknowledgement deferred) and hand them to the new bridge.
        try (ForwardingHold hold = engine.holdForwarding(HOLD_MAX_MESSAGES, HOLD_MAX_BYTES)) {
            swapBridge(next);
            int held = hold.release();
            if (held > 0 || hold.refused() > 0) {
                LOG.info("{} message(s) accepted during the bridge restart went to the new upstreams; {} refused "
                        + "(the hold was full; MQTT 5 publishers got 0x97, 3.1.1 ones reconnect and resend)",
                        held, hold.refused());
            }
        }
    }

    private void swapBridge(GatewayConfig next) {
        bridge.close();
        Bridge restarted = newBridge(next, engine, meters);
        try {
            restarted.start();
            restarted.attach(new RuntimePointCatalog(runtime));
            bridge = restarted;
        } catch (Exception e) {
            LOG.error("the new upstreams could not start; going back to the previous ones", e);
            Bridge previous = newBridge(runtime.config(), engine, meters);
            try {
                previous.start();
                previous.attach(new RuntimePointCatalog(runtime));
            } catch (Exception again) {
                LOG.error("the previous upstreams could not start again either; messages stay queued on disk", again);
            }
            bridge = previous;
        }
    }

    GatewayRuntime runtime() {
        return runtime;
    }

    MqttEngine engine() {
        return engine;
    }

    /** The loop of the low-traffic control planes (operations endpoint, fleet agent); the gateway ends it. */
    EventLoopGroup controlLoops() {
        return loops.control();
    }

    int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /**
     * Stops in dependency order, each part after what feeds it: says offline; the core stops polling; the broker
     * stops accepting (listeners closed, clients disconnected, in-process publishing refused); the bridge lets its
     * stores finish what they were given, flushes and closes them and disconnects (sessions kept); then the broker
     * saves its state and stops; then the core's threads; then the event loops. Whatever a publisher had
     * acknowledged is on disk by then; what it had not, it still has. Blocking.
     */
    @Override
    public void close() {
        try {
            status.offline().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("the offline status could not be published: {}", e.toString());
        }
        if (ops != null) {
            ops.close();
        }
        runtime.close();
        logic.close();
        engine.stopAccepting();
        bridge.close();
        engine.close();
        try {
            services.resources().close();
        } catch (Exception e) {
            LOG.warn("core threads did not stop cleanly", e);
        }
        loops.close();
    }
}
