package io.outpost.core.runtime;

import io.outpost.core.command.CommandRouter;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.logic.ReadingFeed;
import io.outpost.core.logic.ReadingObserver;
import io.outpost.core.logic.aggregate.AggregatesConfig;
import io.outpost.core.logic.aggregate.Aggregator;
import io.outpost.core.mapping.PointPublisher;
import io.outpost.core.message.MessageSink;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.poll.DeviceContext;
import io.outpost.core.poll.DeviceActivity;
import io.outpost.core.poll.DevicePoller;
import io.outpost.core.poll.SharedResources;
import io.outpost.core.report.LiveValues;
import io.outpost.core.report.PointState;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.spi.AdapterFactory;
import io.outpost.core.spi.DeviceAdapter;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.core.time.SerialExecutor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running core of a gateway: one poller per enabled device, the mapping stage and the command router, wired
 * to a {@link MessageSink}. Devices can be added, replaced and removed one at a time (hot reload) without
 * touching the others.
 */
public final class GatewayRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayRuntime.class);

    /** Most messages the core lets wait for the engine before pollers hold back. */
    public static final long DEFAULT_MAX_PENDING = 50_000;

    private final GatewayIdentity gateway;
    private final AdapterCatalog adapters;
    private final CoreServices services;
    private final PointPublisher publisher;
    private final PayloadFormats formats;
    private final CommandRouter commands;
    private final LiveValues live = new LiveValues();
    private final Duration maxStartStagger;
    private final Map<String, RunningDevice> devices = new LinkedHashMap<>();
    private final SharedResources shared = new SharedResources();
    private final ReadingFeed readings;
    private Aggregator aggregator;
    private ReadingObserver accepted = ReadingObserver.NONE;
    private Map<String, Object> sections = Map.of();
    private GatewayConfig current;

    private record RunningDevice(DevicePoller poller, ExecutorService io, DeviceContext context) {
    }

    public GatewayRuntime(GatewayIdentity gateway, AdapterCatalog adapters, MessageSink sink, PayloadFormats formats,
                          CoreServices services, long maxPending, Duration maxStartStagger) {
        this.gateway = gateway;
        this.adapters = adapters;
        this.services = services;
        this.maxStartStagger = maxStartStagger;
        this.formats = formats;
        this.readings = new ReadingFeed(ref -> live.get(ref).map(PointState::latest));
        // Held by the runtime for its whole life, so that it stays one instance while logic devices come and go.
        shared.acquire(ReadingFeed.SHARED_KEY, ReadingFeed.class, () -> readings);
        this.publisher = new PointPublisher(sink, services.scheduler().clock(), services.scheduler()::nanoTime,
                maxPending, services.meters(), readings);
        this.commands = new CommandRouter(publisher, services.scheduler().clock());
    }

    /**
     * Sets what sees every reading the core accepts, also those report-by-exception holds back (alarms, history: an
     * excursion inside a deadband must still raise an alarm); devices started from then on feed it. Call before
     * {@link #start}. Computed points and aggregates work on the published readings instead ({@link #readings()}).
     */
    public synchronized void observeReadings(ReadingObserver readingObserver) {
        this.accepted = readingObserver;
    }

    /** Starts every enabled device of {@code config}. */
    public synchronized void start(GatewayConfig config) {
        current = config;
        sections = config.sections();
        startAggregates(config);
        for (DeviceConfig d : config.devices()) {
            if (d.enabled()) {
                startDevice(d);
            }
        }
        LOG.info("gateway {}: {} device(s) started: {}", gateway.id(), devices.size(),
                devices.keySet().stream().collect(Collectors.joining(", ")));
    }

    /**
     * Applies a new, already validated configuration: starts added devices, stops removed ones, restarts changed
     * ones, and leaves devices with an equal configuration running untouched. The gateway's identity (id, site,
     * data directory) cannot change while running; such a change is reported, not applied.
     */
    public synchronized ReloadReport apply(GatewayConfig next) {
        List<String> added = new java.util.ArrayList<>();
        List<String> removed = new java.util.ArrayList<>();
        List<String> restarted = new java.util.ArrayList<>();
        List<String> unchanged = new java.util.ArrayList<>();
        List<String> restartRequired = new java.util.ArrayList<>();
        if (!next.gateway().equals(gateway)) {
            restartRequired.add("gateway identity or data-dir");
        }
        sections = next.sections();
        if (!aggregates(next).equals(aggregates(current))) {
            startAggregates(next);
            LOG.info("aggregates changed: windows of rules that stay go on, the others start afresh");
        }
        Map<String, DeviceConfig> wanted = new LinkedHashMap<>();
        next.devices().stream().filter(DeviceConfig::enabled).forEach(d -> wanted.put(d.id(), d));
        for (String id : List.copyOf(devices.keySet())) {
            if (!wanted.containsKey(id)) {
                stopDevice(id);
                removed.add(id);
            }
        }
        for (DeviceConfig d : wanted.values()) {
            RunningDevice running = devices.get(d.id());
            if (running == null) {
                startDevice(d);
                added.add(d.id());
            } else if (!running.poller.device().equals(d)) {
                startDevice(d);
                restarted.add(d.id());
            } else {
                unchanged.add(d.id());
            }
        }
        current = next;
        ReloadReport report = new ReloadReport(added, removed, restarted, unchanged, restartRequired);
        LOG.info("configuration reloaded: {}", report);
        return report;
    }

    private static AggregatesConfig aggregates(GatewayConfig config) {
        return config == null ? AggregatesConfig.NONE
                : config.section(AggregatesConfig.KEY, AggregatesConfig.class).orElse(AggregatesConfig.NONE);
    }

    /** Replaces the running aggregation windows by those of {@code config} (windows of rules that stay go on). */
    private void startAggregates(GatewayConfig config) {
        if (aggregator != null) {
            aggregator.close();
        }
        // The open windows are kept in the data directory across restarts and reloads; the old aggregator's close
        // has written them when the new one reads them.
        aggregator = new Aggregator(aggregates(config), readings, services.scheduler(), publisher,
                new SerialExecutor(services.workers()), services.meters(),
                io.outpost.core.logic.aggregate.AggregateStateFile.in(gateway.dataDir()),
                new SerialExecutor(services.workers()));
        aggregator.start();
    }

    /** The configuration last started or applied. */
    public synchronized GatewayConfig config() {
        return current;
    }

    /** Starts a device; a running device of the same id is stopped first. */
    public synchronized void startDevice(DeviceConfig device) {
        stopDevice(device.id());
        AdapterFactory<?, ?> factory = adapters.find(device.protocol())
                .orElseThrow(() -> new IllegalArgumentException("no adapter for protocol " + device.protocol()));
        ExecutorService io = services.ioExecutors().apply(device.id());
        DeviceContext context = new DeviceContext(device, gateway, services.scheduler(), io, services.meters(), shared,
                sections);
        DeviceAdapter adapter = factory.create(device, context);
        long stagger = (long) (services.random().nextDouble() * Math.min(maxStartStagger.toNanos(),
                device.pollInterval().toNanos()));
        DevicePoller poller = new DevicePoller(device, adapter, services.scheduler(),
                new SerialExecutor(services.workers()), publisher, live, formats::get, services.random(),
                services.meters(), stagger, accepted);
        context.attach(poller);
        devices.put(device.id(), new RunningDevice(poller, io, context));
        commands.register(poller);
        poller.start();
    }

    /** Stops a device and forgets its values; does nothing for an unknown id. */
    public synchronized void stopDevice(String deviceId) {
        RunningDevice running = devices.remove(deviceId);
        if (running == null) {
            return;
        }
        commands.unregister(deviceId);
        try {
            running.poller.stop().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("device {} did not stop within 10 s", deviceId, e);
        }
        running.io.shutdownNow();
        running.context.releaseShared();
        live.removeDevice(deviceId);
    }

    public CommandRouter commands() {
        return commands;
    }

    /** The resources devices share (a protocol stack bound to a port), for tools that must use the same one. */
    public SharedResources shared() {
        return shared;
    }

    public LiveValues values() {
        return live;
    }

    /**
     * The readings the gateway publishes (past report-by-exception), for computed points and aggregates: an input's
     * deadband also decides when its dependants are computed, and an aggregate summarises what the site publishes.
     */
    public ReadingFeed readings() {
        return readings;
    }

    public PointPublisher publisher() {
        return publisher;
    }

    public synchronized Map<String, DeviceStatus> statuses() {
        Map<String, DeviceStatus> out = new LinkedHashMap<>();
        devices.forEach((id, d) -> out.put(id, d.poller.status()));
        return out;
    }

    public synchronized List<DeviceActivity> activity() {
        return devices.values().stream().map(d -> d.poller.activity()).toList();
    }

    public synchronized List<String> deviceIds() {
        return List.copyOf(devices.keySet());
    }

    @Override
    public synchronized void close() {
        if (aggregator != null) {
            aggregator.close();
        }
        List<CompletableFuture<Void>> stops = devices.values().stream().map(d -> d.poller.stop()).toList();
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("not every device stopped within 10 s", e);
        }
        devices.values().forEach(d -> {
            d.io.shutdownNow();
            d.context.releaseShared();
        });
        devices.clear();
    }
}
