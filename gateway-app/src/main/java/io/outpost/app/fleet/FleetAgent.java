package io.outpost.app.fleet;

import io.outpost.core.config.GatewayConfig;
import io.outpost.core.runtime.CoreServices;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.bridge.config.UpstreamsConfig;
import io.outpost.mqtt.bridge.config.UpstreamsSection;
import io.outpost.mqtt.bridge.control.ControlChannel;
import io.outpost.mqtt.bridge.control.ControlSettings;
import io.outpost.mqtt.bridge.control.ControlWill;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's member of the fleet: a control link to the cloud broker (through the servers and credentials of an
 * upstream, under a client id of its own, with a will that marks the gateway offline), the retained inventory birth
 * (sent on every connection and again on change, at most every {@code birth-min-interval}), remote configuration
 * ({@link RemoteConfiguration}) and remote commands ({@link RemoteCommands}). Everything runs on one thread of its
 * own ({@code outpost-fleet}); the link's events are handed to it.
 */
public final class FleetAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetAgent.class);
    /** Results waiting for the link; older ones go first when it is full (the retained last one is what counts). */
    static final int MAX_WAITING_RESULTS = 64;

    /** Opens a control channel (the real {@code ControlLink}, or one sharing an event loop in the benchmark). */
    public interface ChannelFactory {
        ControlChannel open(UpstreamConfig settings, List<String> filters, int subscribeQos, ControlWill will,
                            ControlChannel.Listener listener) throws IOException;
    }

    /** What the link is made of; a new one is opened when this changes. */
    private record LinkSettings(UpstreamConfig control, FleetTopics topics, int subscribeQos) {
    }

    private final FleetHost host;
    private final ConfigHistory history;
    private final ChannelFactory channels;
    private final Clock clock;
    private final Instant started;
    private final ScheduledExecutorService loop;
    /** Whether {@link #close} ends {@link #loop} (false: it was given, its owner ends it). */
    private final boolean ownsLoop;
    private volatile java.util.concurrent.ScheduledFuture<?> ticks;
    private final RemoteConfiguration remote;
    private final RemoteCommands commands;
    private final Deque<ConfigResult> waiting = new ArrayDeque<>();
    private final List<Runnable> onClose = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile FleetConfig fleet;
    private LinkSettings settings;
    private String discoverTopic;
    private ConfigResult lastResult;
    private long lastDiscoverNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(10);
    private ControlChannel channel;
    private byte[] lastBirth;
    private long lastBirthNanos;
    private boolean birthDue;

    public FleetAgent(FleetHost host, ConfigHistory history, ChannelFactory channels, Clock clock) {
        this(host, history, channels, clock, Executors.newSingleThreadScheduledExecutor(CoreServices.named("outpost-fleet", true)),
                true);
    }

    /**
     * As above on a given single-thread executor (the benchmark runs many agents on a few threads); {@link #close}
     * leaves it running, its owner ends it.
     */
    public FleetAgent(FleetHost host, ConfigHistory history, ChannelFactory channels, Clock clock,
                      ScheduledExecutorService loop) {
        this(host, history, channels, clock, loop, false);
    }

    private FleetAgent(FleetHost host, ConfigHistory history, ChannelFactory channels, Clock clock,
                       ScheduledExecutorService loop, boolean ownsLoop) {
        this.ownsLoop = ownsLoop;
        this.host = host;
        this.history = history;
        this.channels = channels;
        this.clock = clock;
        this.started = clock.instant();
        this.loop = loop;
        this.fleet = fleetOf(host.config());
        this.remote = new RemoteConfiguration(host, history, () -> new TrustedKeys(fleet.trustedKeys()), loop,
                this::result, new RemoteConfiguration.Agent() {
                    @Override
                    public void reconfigure(GatewayConfig next) {
                        follow(next);
                    }

                    @Override
                    public boolean linkConnected() {
                        return channel != null && channel.isConnected();
                    }

                    @Override
                    public String upstreamOf(GatewayConfig config) {
                        return upstream(config).map(UpstreamConfig::name).orElse(null);
                    }
                }, clock);
        this.commands = new RemoteCommands(host, history, () -> fleet, () -> new TrustedKeys(fleet.trustedKeys()), clock);
    }

    /** Opens the link (when the configuration has a fleet section) and starts the births. */
    public FleetAgent start() {
        loop.execute(() -> {
            follow(host.config());
            reportRollbackAtStart();
        });
        ticks = loop.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** The configuration was reloaded from the file (by hand, SIGHUP): follow it. Any thread. */
    public void configChanged(GatewayConfig next) {
        loop.execute(() -> follow(next));
    }

    private static FleetConfig fleetOf(GatewayConfig config) {
        return config.section(FleetSection.KEY, FleetConfig.class).orElse(FleetConfig.DISABLED);
    }

    /** The upstream the fleet link goes through in {@code config}, when the fleet is on. */
    static Optional<UpstreamConfig> upstream(GatewayConfig config) {
        FleetConfig f = fleetOf(config);
        if (!f.enabled()) {
            return Optional.empty();
        }
        List<UpstreamConfig> all = config.section(UpstreamsSection.KEY, UpstreamsConfig.class)
                .map(UpstreamsConfig::upstreams).orElse(List.of());
        return all.stream().filter(u -> f.upstream() == null || u.name().equals(f.upstream())).findFirst();
    }

    // ------------------------------------------------------------------ on the loop

    private void follow(GatewayConfig config) {
        fleet = fleetOf(config);
        Optional<UpstreamConfig> through = upstream(config);
        LinkSettings next = through.map(u -> new LinkSettings(
                ControlSettings.from(u, fleet.clientId() != null ? fleet.clientId() : u.clientId() + "-fleet"),
                FleetTopics.of(fleet.prefix(), config.gateway()), fleet.subscribeQos())).orElse(null);
        if (Objects.equals(next, settings)) {
            return;
        }
        if (channel != null) {
            channel.close(false);
            channel = null;
        }
        settings = next;
        lastBirth = null;
        if (next == null) {
            if (fleet.enabled()) {
                LOG.error("fleet: upstream {} does not exist; the gateway is not part of the fleet", fleet.upstream());
            }
            return;
        }
        FleetTopics t = next.topics();
        ControlWill will = new ControlWill(t.birth(), InventoryBirth.offline(config.gateway().id(),
                "connection-lost"), 1, true);
        discoverTopic = FleetTopics.discover(fleet.prefix());
        List<String> filters = fleet.commands() ? List.of(t.config(), t.command(), discoverTopic)
                : List.of(t.config(), discoverTopic);
        try {
            channel = channels.open(next.control(), filters, next.subscribeQos(), will, new ControlChannel.Listener() {
                @Override
                public void connected(String server) {
                    loop.execute(() -> onConnected(server));
                }

                @Override
                public void disconnected(String why) {
                    LOG.info("fleet: link to the cloud broker lost: {}", why);
                }

                @Override
                public void message(String topic, byte[] payload, boolean retained) {
                    loop.execute(() -> onMessage(topic, payload));
                }
            });
            channel.start();
            LOG.info("fleet: member as {} under {} through upstream {}", next.control().clientId(), t.prefix(),
                    through.get().name());
        } catch (IOException e) {
            LOG.error("fleet: the link to the cloud broker cannot be opened", e);
        }
    }

    private void onConnected(String server) {
        LOG.info("fleet: connected to {}", server);
        lastBirth = null;
        birthDue = true;
        tick();
        while (!waiting.isEmpty()) {
            publishResult(waiting.poll());
        }
    }

    private void onMessage(String topic, byte[] payload) {
        if (settings == null) {
            return;
        }
        if (topic.equals(settings.topics().config())) {
            remote.received(payload);
            birthDue = true;
        } else if (topic.equals(discoverTopic)) {
            long now = System.nanoTime();
            if (now - lastDiscoverNanos >= TimeUnit.SECONDS.toNanos(1)) {
                // At most once a second: a request is for the whole fleet, and anyone allowed may send it.
                lastDiscoverNanos = now;
                lastBirth = null;
                birthDue = true;
                tick();
                if (lastResult != null) {
                    publish(settings.topics().configResult(), lastResult.toJson(), true);
                }
            }
        } else if (topic.equals(settings.topics().command())) {
            String resultTopic = settings.topics().commandResult();
            commands.handle(payload, answer -> loop.execute(() -> {
                if (channel != null && channel.isConnected()) {
                    publish(resultTopic, answer, false);
                }
            }));
        }
    }

    private void tick() {
        try {
            if (channel == null || !channel.isConnected()) {
                return;
            }
            byte[] birth = InventoryBirth.online(host, started, configState());
            long now = System.nanoTime();
            boolean changed = lastBirth == null || !Arrays.equals(birth, lastBirth);
            if (changed && (birthDue || lastBirth == null || now - lastBirthNanos >= fleet.birthMinInterval().toNanos())) {
                lastBirth = birth;
                lastBirthNanos = now;
                birthDue = false;
                publish(settings.topics().birth(), birth, true);
            }
        } catch (IOException | RuntimeException e) {
            // The next tick tries again; a birth that cannot be built is a bug worth seeing.
            LOG.error("fleet: the birth could not be built", e);
        }
    }

    private InventoryBirth.ConfigState configState() throws IOException {
        Optional<Properties> pending = history.pending();
        return new InventoryBirth.ConfigState(history.appliedVersion(), history.appliedHash(), history.highestVersion(),
                pending.isPresent());
    }

    private void reportRollbackAtStart() {
        try {
            Optional<Properties> report = history.unreported();
            if (report.isPresent()) {
                Properties p = report.get();
                result(new ConfigResult(host.config().gateway().id(), Long.parseLong(p.getProperty("version", "0")),
                        p.getProperty("hash", ""), "rolled-back", "crashed", p.getProperty("why"), List.of(),
                        clock.instant()));
                history.reported();
            }
        } catch (IOException | NumberFormatException e) {
            LOG.error("fleet: the rollback done at start cannot be read from {}", history.dir(), e);
        }
    }

    private void result(ConfigResult r) {
        if (channel != null && channel.isConnected()) {
            publishResult(r);
            return;
        }
        if (waiting.size() >= MAX_WAITING_RESULTS) {
            ConfigResult dropped = waiting.poll();
            LOG.warn("fleet: {} results wait for the link; the oldest (version {}, {}) is not reported",
                    MAX_WAITING_RESULTS, dropped.version(), dropped.status());
        }
        waiting.add(r);
    }

    private void publishResult(ConfigResult r) {
        lastResult = r;
        publish(settings.topics().configResult(), r.toJson(), true);
        birthDue = true;
    }

    private void publish(String topic, byte[] payload, boolean retain) {
        channel.publish(topic, payload, 1, retain).whenComplete((ok, err) -> {
            if (err != null) {
                LOG.warn("fleet: not published on {}: {}", topic, err.getMessage());
            }
        });
    }

    /** Runs {@code r} after {@link #close} (what the agent's links shared: their IO threads). */
    public void whenClosed(Runnable r) {
        onClose.add(r);
    }

    /** Says offline (retained) and closes the link. Blocks a few seconds at most. */
    @Override
    public void close() {
        try {
            loop.submit(() -> {
                if (channel != null) {
                    try {
                        if (channel.isConnected()) {
                            channel.publish(settings.topics().birth(), InventoryBirth.offline(host.config().gateway().id(),
                                    "stopped"), 1, true).toCompletableFuture().get(2, TimeUnit.SECONDS);
                        }
                    } catch (Exception e) {
                        LOG.warn("fleet: the offline birth was not acknowledged: {}", e.toString());
                    }
                    channel.close(false);
                    channel = null;
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("fleet: did not stop cleanly: {}", e.toString());
        }
        commands.close();
        if (ownsLoop) {
            loop.shutdownNow();
        } else if (ticks != null) {
            ticks.cancel(false);
        }
        onClose.forEach(Runnable::run);
    }
}
