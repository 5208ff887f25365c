package io.outpost.mqtt.internal.bridge;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.ssl.SslContext;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.PayloadFormats;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.api.PointCatalog;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.mqtt.internal.bridge.batch.Compressor;
import io.outpost.mqtt.internal.bridge.batch.TsBatchPacker;
import io.outpost.mqtt.internal.bridge.budget.ByteBudget;
import io.outpost.mqtt.internal.bridge.client.LinkBytes;
import io.outpost.mqtt.internal.bridge.client.MqttPackets;
import io.outpost.mqtt.internal.bridge.client.ReasonCodes;
import io.outpost.mqtt.internal.bridge.client.ResponseTimes;
import io.outpost.mqtt.internal.bridge.client.UpstreamConnection;
import io.outpost.mqtt.internal.bridge.client.UpstreamLink;
import io.outpost.mqtt.internal.bridge.client.UpstreamPublish;
import io.outpost.mqtt.internal.bridge.client.UpstreamTlsContexts;
import io.outpost.mqtt.internal.bridge.flow.Sender;
import io.outpost.mqtt.internal.bridge.health.StatusJson;
import io.outpost.mqtt.internal.bridge.health.UpstreamMetrics;
import io.outpost.mqtt.internal.bridge.route.Forwarder;
import io.outpost.mqtt.internal.bridge.route.ReverseRouter;
import io.outpost.mqtt.internal.bridge.sparkplug.SparkplugSession;
import io.outpost.mqtt.internal.bridge.store.SegmentStore;
import io.outpost.mqtt.internal.bridge.store.StoreListener;
import io.outpost.mqtt.internal.bridge.store.StoreStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream: its store, the forwarder registered with the local broker, the link, the sender and the reverse
 * rules, and its status. Everything but the store's writer and Netty's IO runs on one thread of its own
 * ({@code outpost-bridge-<name>}), so the upstream's state needs no locks.
 */
public final class Upstream {

    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final long TICK_MILLIS = 250;

    private final UpstreamConfig config;
    private final PayloadFormats formats;
    private final Path dir;
    private final LocalBroker broker;
    private final EventLoopGroup group;
    private final Clock clock;
    private final RandomGenerator random;
    private final UpstreamMetrics metrics;
    private final LinkBytes bytes = new LinkBytes();
    private final Compressor compressor;
    private final String origin;
    /** Sends ts-batch point tables; the packer of a non-Sparkplug upstream. */
    private final TsTableLink tables;
    private final TsBatchPacker tsPacker;
    private final ScheduledExecutorService loop;
    private final GatewayIdentity gateway;
    private final String gatewayStatusTopic;
    private final SparkplugSession sparkplug;
    /** The link's measured response times: the sender's stall timeout and the link's connect timeouts. */
    private final ResponseTimes times;
    private StatusWill statusWill;
    private SegmentStore store;
    private ByteBudget budget;
    private Forwarder forwarder;
    private Sender sender;
    private ReverseRouter reverse;
    private UpstreamLink link;
    private ScheduledFuture<?> ticker;
    private long lastStatusNanos;
    private String lastPublishedState = "";
    private long lastPublishedNanos;
    private volatile long freeDisk;
    /** Set when closing starts: the store's writer stops asking the sender for pumps. */
    private volatile boolean closing;

    public Upstream(UpstreamConfig config, GatewayIdentity gateway, String gatewayStatusTopic, LocalBroker broker,
             MeterRegistry meters, EventLoopGroup group, Clock clock, RandomGenerator random, PayloadFormats formats) {
        this.formats = formats;
        this.config = config;
        this.gateway = gateway;
        this.gatewayStatusTopic = gatewayStatusTopic;
        this.dir = gateway.dataDir().resolve("bridge").resolve(config.name());
        this.broker = broker;
        this.group = group;
        this.clock = clock;
        this.random = random;
        this.metrics = new UpstreamMetrics(config.name(), meters, bytes);
        this.compressor = new Compressor(config.uplink().dictionaries());
        this.origin = "$bridge/" + config.name();
        this.loop = new UpstreamLoop(config.name());
        this.times = new ResponseTimes(config.stallTimeout());
        metrics.responseTimes(times);
        this.sparkplug = config.uplink().sparkplugMode() ? new SparkplugSession(config, dir, broker, clock, origin) : null;
        this.tables = new TsTableLink(clock, origin, config.protocol() == MqttProtocol.V5);
        this.tsPacker = new TsBatchPacker(compressor, clock::millis, tables);
    }

    /** Gives a Sparkplug upstream the core's devices and points (its births wait for them). Any thread. */
    public void attach(PointCatalog catalog) {
        if (sparkplug != null) {
            sparkplug.attach(catalog);
        }
    }

    /** Opens (recovers) the store, registers the forwarder and starts connecting. Blocks for the recovery. */
    public void start() throws IOException {
        SslContext ssl = config.servers().stream().anyMatch(ServerUri::tls) ? UpstreamTlsContexts.client(config.tls()) : null;
        store = SegmentStore.open(dir, config.name(), config.store(), new StoreListener() {
            @Override
            public void readable() {
                Sender s = sender;
                if (s != null && !closing) {
                    s.requestPump();
                }
            }

            @Override
            public void dropped(String reason, long messages) {
                metrics.dropped(reason, messages);
            }

            @Override
            public void written(long bytes) {
                metrics.stored(bytes);
            }
        }, clock, formats);
        metrics.store(store);
        if (config.uplink().budget() != null) {
            budget = new ByteBudget(config.name(), config.uplink().budget(), store.classes(), dir, clock.millis());
            metrics.budget(budget);
        }
        try {
            onLoop(() -> {
                sender = new Sender(config, store, clock, loop, new Sender.Events() {
                    @Override
                    public void sent(boolean replay, long size, int pointUpdates) {
                        metrics.sent(replay, pointUpdates);
                    }

                    @Override
                    public void acknowledged() {
                        metrics.acknowledged();
                    }

                    @Override
                    public void stalled(String why) {
                        metrics.stalled();
                        times.stalled();
                        link.drop("stalled: " + why);
                    }

                    @Override
                    public void answered(long sinceNanos, long nowNanos, long bytes) {
                        times.answered(sinceNanos, nowNanos, bytes);
                    }

                    @Override
                    public long stallTimeoutNanos(long bytesAhead) {
                        return times.stallTimeoutNanos(bytesAhead);
                    }
                }, sparkplug != null ? sparkplug : tsPacker, budget);
                reverse = new ReverseRouter(config, broker, loop, clock, origin, dir);
                statusWill = sparkplug != null ? null
                        : StatusWill.of(config, gatewayStatusTopic, gateway, broker, compressor, clock);
                Supplier<MqttPackets.Will> will = sparkplug != null ? sparkplug::will
                        : statusWill != null ? statusWill::will : null;
                link = new UpstreamLink(config, group, loop, new LinkEvents(), ssl, random, bytes, will, times);
                updateStatus(System.nanoTime());
                link.start();
                ticker = loop.scheduleWithFixedDelay(() -> tick(System.nanoTime()), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            });
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        forwarder = new Forwarder(config, store, metrics, origin);
        broker.addForwarder(forwarder);
        LOG.info("upstream {}: queue in {} ({} message(s) waiting), servers {}", config.name(), dir,
                store.stats().messages(), config.servers());
    }

    /**
     * Stops taking messages, disconnects (the session stays), lets the store finish what it was given, flushes and
     * closes it. In that order: nothing is handed to a part that is gone (the gateway stops the broker's inflow
     * before this). Idempotent.
     */
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (forwarder != null) {
            broker.removeForwarder(forwarder);
        }
        if (link != null) {
            onLoop(() -> {
                ticker.cancel(false);
                if (sparkplug != null) {
                    sparkplug.closing();
                }
                link.stop(statusWill != null && statusWill.birthSent());
                // The link is stopped: no pump may use the connection or the cursors closed below.
                sender.disconnected();
                sender.close();
                if (budget != null) {
                    budget.update(bytes.sent() + bytes.received(), clock.millis());
                    budget.save(clock.millis());
                }
                if (statusWill != null) {
                    statusWill.close();
                }
            });
        }
        loop.shutdown();
        try {
            if (!loop.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("upstream {}: its thread did not stop within 10 s", config.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (store != null) {
            store.close();
        }
        compressor.close();
        metrics.close();
    }

    public UpstreamStatus status() {
        return metrics.status();
    }

    public String name() {
        return config.name();
    }

    private void onLoop(Runnable r) {
        try {
            loop.submit(r).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting upstream " + config.name(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("upstream " + config.name() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    // ------------------------------------------------------------------ on the loop

    private void tick(long now) {
        try {
            link.checkKeepAlive(now);
            sender.checkStall(now);
            if (budget != null && budget.update(bytes.sent() + bytes.received(), clock.millis())) {
                sender.requestPump();
            }
            if (sparkplug != null && link.current() != null) {
                sparkplug.tick();
            }
            if (now - lastStatusNanos >= TimeUnit.SECONDS.toNanos(1)) {
                updateStatus(now);
            }
        } catch (RuntimeException e) {
            // One failed round must not stop the upstream's housekeeping; the failure is a bug worth seeing.
            LOG.error("upstream {}: housekeeping failed", config.name(), e);
        }
    }

    private void updateStatus(long now) {
        metrics.updateRates(now);
        try {
            Files.createDirectories(dir);
            freeDisk = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            LOG.debug("upstream {}: free disk space unknown: {}", config.name(), e.toString());
        }
        StoreStats stats = store.stats();
        long oldest = sender.oldestQueuedAt();
        double oldestSeconds = oldest == Long.MAX_VALUE ? 0 : Math.max(0, (clock.millis() - oldest) / 1000.0);
        double inflowBytes = metrics.inflowBytesRate();
        long room = Math.max(0, Math.min(stats.maxBytes() - stats.diskBytes(), freeDisk));
        double autonomy = inflowBytes < 1e-6 ? Double.POSITIVE_INFINITY : room / inflowBytes / 3600.0;
        UpstreamConnection c = link.current();
        UpstreamStatus s = new UpstreamStatus(config.name(), link.state().text(), c == null ? null : c.server().toString(),
                link.connectedAtMillis(), stats.messages(), stats.bytes(), stats.diskBytes(), stats.maxBytes(),
                oldestSeconds, sender.inflight(), sender.window(), metrics.ackRate(), metrics.replayRate(),
                metrics.inflowRate(), inflowBytes, metrics.sentTotal(), metrics.ackedTotal(), metrics.reconnectsTotal(),
                metrics.stallsTotal(), metrics.droppedSoFar(), autonomy, freeDisk, link.lastError(), metrics.bytesSent(),
                metrics.bytesReceived(), metrics.pointUpdatesTotal(), metrics.bytesPerPointUpdate(),
                budget == null ? null : new UpstreamStatus.Budget(budget.state().name().toLowerCase(Locale.ROOT),
                        budget.used(), budget.limit(), budget.periodEnd()));
        metrics.publish(s);
        lastStatusNanos = now;
        boolean stateChanged = !s.state().equals(lastPublishedState);
        if (stateChanged || now - lastPublishedNanos >= config.statusInterval().toNanos()) {
            publishStatus(s, now);
        }
    }

    private void publishStatus(UpstreamStatus s, long now) {
        lastPublishedState = s.state();
        lastPublishedNanos = now;
        Message m = Message.of(new MessageHeader(config.statusTopic(), 0, true, MessageProperties.JSON, origin), StatusJson.render(s),
                clock.millis());
        broker.publish(m).whenComplete((ok, err) -> {
            if (err != null) {
                LOG.debug("upstream {}: status not published: {}", config.name(), err.toString());
            }
        });
    }

    /** Link and connection events, on the loop. */
    private final class LinkEvents implements UpstreamLink.Events {

        @Override
        public void connected(UpstreamConnection c) {
            if (sparkplug != null) {
                // Nothing goes before the birth (and, with a primary host, before it is online).
                sender.hold();
            } else if (statusWill != null) {
                statusWill.connected(c, sender.packetIds());
            }
            tables.connected(c, sender.packetIds());
            tsPacker.connected();
            sender.connected(c);
            reverse.connected(c, sender.packetIds());
            if (sparkplug != null) {
                sparkplug.connected(c, sender.packetIds(), sender);
            }
            updateStatus(System.nanoTime());
        }

        @Override
        public void disconnected(UpstreamConnection c, String why) {
            sender.disconnected();
            tables.disconnected();
            if (sparkplug != null) {
                sparkplug.disconnected();
            }
            metrics.reconnected();
            updateStatus(System.nanoTime());
        }

        @Override
        public void packet(UpstreamConnection c, Object packet) {
            if (c != link.current()) {
                return;
            }
            if (packet instanceof UpstreamPublish p) {
                if (sparkplug == null || !sparkplug.inbound(c, p)) {
                    reverse.publish(c, p);
                }
                return;
            }
            MqttMessage m = (MqttMessage) packet;
            MqttMessageType type = m.fixedHeader().messageType();
            switch (type) {
                case PUBACK -> {
                    int id = ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
                    if ((statusWill == null || !statusWill.acknowledged(id, sender.packetIds()))
                            && !tables.acknowledged(id, sender.packetIds())) {
                        sender.packet(m);
                    }
                }
                case PUBREC, PUBCOMP -> sender.packet(m);
                case PUBREL -> reverse.release(c, m);
                case SUBACK -> {
                    if (sparkplug == null || !sparkplug.subAck((MqttSubAckMessage) m, sender.packetIds())) {
                        reverse.subAck((MqttSubAckMessage) m, sender.packetIds());
                    }
                }
                case PINGRESP -> link.pong();
                case DISCONNECT -> {
                    link.serverDisconnected();
                    LOG.warn("upstream {}: {} disconnects the bridge: {}", config.name(), c.server(),
                            ReasonCodes.ofDisconnect(m));
                }
                default -> LOG.debug("upstream {}: ignoring {} from {}", config.name(), type, c.server());
            }
        }

        @Override
        public void writability(UpstreamConnection c, boolean writable) {
            if (c == link.current()) {
                sender.writability(writable);
            }
        }

        @Override
        public void closed(UpstreamConnection c, Throwable cause) {
            link.closed(c, cause);
        }
    }
}
