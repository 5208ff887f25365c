package io.outpost.mqtt.bridge.control;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.ssl.SslContext;
import io.outpost.core.log.SafeText;
import io.outpost.core.message.Message;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.internal.bridge.client.LinkBytes;
import io.outpost.mqtt.internal.bridge.client.MqttPackets;
import io.outpost.mqtt.internal.bridge.client.ReasonCodes;
import io.outpost.mqtt.internal.bridge.client.UpstreamConnection;
import io.outpost.mqtt.internal.bridge.client.UpstreamLink;
import io.outpost.mqtt.internal.bridge.client.UpstreamPublish;
import io.outpost.mqtt.internal.bridge.client.UpstreamTlsContexts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ControlChannel} over the bridge's own client: {@link UpstreamLink} keeps it connected exactly as an
 * upstream is (servers tried in order, so a cluster's second node takes over when the first goes; probing; backoff
 * on refusals; keep-alive), with its own client id and will. Everything but Netty's IO runs on one thread of its
 * own, so its state needs no locks.
 */
public final class ControlLink implements ControlChannel {

    private static final Logger LOG = LoggerFactory.getLogger(ControlLink.class);
    /** Most QoS 1 publishes waiting for their PUBACK; more fail at once (the control plane is not a data path). */
    static final int MAX_INFLIGHT = 1000;

    private final UpstreamConfig config;
    private final List<String> filters;
    private final int subscribeQos;
    private final Listener listener;
    private final ScheduledExecutorService loop;
    /** Whether {@link #close} ends {@link #loop} (false: it is shared and its owner ends it). */
    private final boolean ownsLoop;
    private final UpstreamLink link;
    private final boolean v5;
    private final Map<Integer, CompletableFuture<Void>> inflight = new HashMap<>();
    private int nextPacketId = 1;
    private int subscribeId = -1;
    private volatile boolean connected;
    private volatile long connections;
    private ScheduledFuture<?> ticker;

    /**
     * @param config   connection settings (see {@link ControlSettings}); its forward and reverse rules are not used
     * @param group    Netty's IO threads (may be shared by many links)
     * @param filters  subscribed to on every connection
     * @param will     the connection's will, or null
     * @param listener told of connections and messages, on this link's thread
     * @throws java.io.IOException when the TLS files cannot be read
     */
    public ControlLink(UpstreamConfig config, EventLoopGroup group, List<String> filters, ControlWill will,
                       Listener listener, RandomGenerator random) throws java.io.IOException {
        this(config, group, filters, 1, will, listener, random);
    }

    /**
     * As above, subscribing at {@code subscribeQos} (0 or 1). QoS 0 for brokers that keep a QoS 1 subscription's
     * queue on one node even in a clean session (RabbitMQ 3.x: with that node down, the client cannot subscribe on
     * another one under the same client id).
     */
    public ControlLink(UpstreamConfig config, EventLoopGroup group, List<String> filters, int subscribeQos,
                       ControlWill will, Listener listener, RandomGenerator random) throws java.io.IOException {
        this(config, group, ownLoop(config), true, filters, subscribeQos, will, listener, random);
    }

    /**
     * As above on a given <em>single-thread</em> executor that many links may share (the fleet benchmark runs a
     * thousand links on a few threads); {@link #close} leaves it running, its owner ends it.
     */
    public ControlLink(UpstreamConfig config, EventLoopGroup group, ScheduledExecutorService sharedLoop,
                       List<String> filters, int subscribeQos, ControlWill will, Listener listener,
                       RandomGenerator random) throws java.io.IOException {
        this(config, group, sharedLoop, false, filters, subscribeQos, will, listener, random);
    }

    private ControlLink(UpstreamConfig config, EventLoopGroup group, ScheduledExecutorService loop, boolean ownsLoop,
                        List<String> filters, int subscribeQos, ControlWill will, Listener listener,
                        RandomGenerator random) throws java.io.IOException {
        if (subscribeQos < 0 || subscribeQos > 1) {
            throw new IllegalArgumentException("subscribeQos must be 0 or 1, found " + subscribeQos);
        }
        this.subscribeQos = subscribeQos;
        this.config = config;
        this.filters = List.copyOf(filters);
        this.listener = listener;
        this.v5 = config.protocol() == MqttProtocol.V5;
        this.loop = loop;
        this.ownsLoop = ownsLoop;
        SslContext ssl = config.servers().stream().anyMatch(ServerUri::tls) ? UpstreamTlsContexts.client(config.tls()) : null;
        this.link = new UpstreamLink(config, group, loop, new Events(), ssl, random, new LinkBytes(),
                will == null ? null : wireWill(will));
    }

    private static Supplier<MqttPackets.Will> wireWill(ControlWill will) {
        MqttPackets.Will wire = new MqttPackets.Will(will.topic(), will.payload(), will.qos(), will.retain());
        return () -> wire;
    }

    private static ScheduledExecutorService ownLoop(UpstreamConfig config) {
        ScheduledThreadPoolExecutor loop = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "outpost-control-" + config.name());
            t.setDaemon(true);
            return t;
        });
        loop.setRemoveOnCancelPolicy(true);
        return loop;
    }

    @Override
    public void start() {
        loop.execute(() -> {
            link.start();
            ticker = loop.scheduleWithFixedDelay(() -> link.checkKeepAlive(System.nanoTime()), 250, 250,
                    TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> send(topic, payload, qos, retain, done));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the control link " + config.name() + " is closed"));
        }
        return done;
    }

    private void send(String topic, byte[] payload, int qos, boolean retain, CompletableFuture<Void> done) {
        UpstreamConnection c = link.current();
        if (c == null) {
            done.completeExceptionally(new IllegalStateException("not connected to the cloud broker"));
            return;
        }
        if (qos > 0 && inflight.size() >= MAX_INFLIGHT) {
            done.completeExceptionally(new IllegalStateException(MAX_INFLIGHT + " publishes wait for acknowledgement"));
            return;
        }
        int id = qos == 0 ? 0 : packetId();
        Message m = Message.of(topic, payload, qos, retain, Message.ORIGIN_GATEWAY, System.currentTimeMillis());
        if (qos > 0) {
            inflight.put(id, done);
        }
        c.send(List.of(MqttPackets.publish(m, null, qos, retain, id, false, System.currentTimeMillis(), v5)),
                qos == 0 ? () -> done.complete(null) : null);
    }

    private int packetId() {
        for (int i = 0; i < 65_535; i++) {
            int id = nextPacketId;
            nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
            if (!inflight.containsKey(id) && id != subscribeId) {
                return id;
            }
        }
        throw new IllegalStateException("no free packet id");
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public long connections() {
        return connections;
    }

    @Override
    public void close(boolean leaveWill) {
        try {
            loop.submit(() -> {
                if (ticker != null) {
                    ticker.cancel(false);
                }
                link.stop(leaveWill);
                connected = false;
                failInflight("the control link closed");
            }).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("control link {}: did not stop cleanly: {}", config.name(), e.toString());
        }
        if (!ownsLoop) {
            return;
        }
        loop.shutdown();
        try {
            if (!loop.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("control link {}: its thread did not stop within 5 s", config.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void failInflight(String why) {
        List<CompletableFuture<Void>> pending = new ArrayList<>(inflight.values());
        inflight.clear();
        pending.forEach(f -> f.completeExceptionally(new IllegalStateException(why)));
    }

    /** Link and connection events, on the loop. */
    private final class Events implements UpstreamLink.Events {

        @Override
        public void connected(UpstreamConnection c) {
            connected = true;
            connections++;
            if (!filters.isEmpty()) {
                subscribeId = packetId();
                c.send(List.of(MqttPackets.subscribe(subscribeId, filters, filters.stream().map(f -> subscribeQos).toList(), v5)),
                        null);
            }
            listener.connected(c.server().host() + ":" + c.server().port());
        }

        @Override
        public void disconnected(UpstreamConnection c, String why) {
            connected = false;
            subscribeId = -1;
            failInflight("disconnected before the acknowledgement: " + why);
            listener.disconnected(why);
        }

        @Override
        public void packet(UpstreamConnection c, Object packet) {
            if (c != link.current()) {
                return;
            }
            if (packet instanceof UpstreamPublish p) {
                try {
                    listener.message(p.topic(), p.payload(), p.retain());
                } catch (RuntimeException e) {
                    // One bad message must not stop the link; it is still acknowledged so it is not sent forever.
                    LOG.error("control link {}: handling a message on {} failed", config.name(), SafeText.of(p.topic()), e);
                }
                if (p.qos() == 1) {
                    c.send(List.of(MqttPackets.pubAck(p.packetId(), 0, v5)), null);
                } else if (p.qos() == 2) {
                    c.send(List.of(MqttPackets.pubRec(p.packetId(), 0, v5)), null);
                }
                return;
            }
            MqttMessage m = (MqttMessage) packet;
            MqttMessageType type = m.fixedHeader().messageType();
            switch (type) {
                case PUBACK -> {
                    CompletableFuture<Void> f = inflight.remove(((MqttMessageIdVariableHeader) m.variableHeader()).messageId());
                    if (f != null) {
                        f.complete(null);
                    }
                }
                case PUBREL -> c.send(List.of(MqttPackets.pubComp(
                        ((MqttMessageIdVariableHeader) m.variableHeader()).messageId(), v5)), null);
                case SUBACK -> {
                    MqttSubAckMessage ack = (MqttSubAckMessage) m;
                    subscribeId = -1;
                    List<Integer> codes = ack.payload().reasonCodes();
                    for (int i = 0; i < codes.size() && i < filters.size(); i++) {
                        if (codes.get(i) >= 0x80) {
                            LOG.error("control link {}: the server refused the subscription to {} ({})", config.name(),
                                    filters.get(i), ReasonCodes.describe(codes.get(i)));
                        }
                    }
                }
                case PINGRESP -> link.pong();
                case DISCONNECT -> link.serverDisconnected();
                default -> LOG.debug("control link {}: ignoring {}", config.name(), type);
            }
        }

        @Override
        public void writability(UpstreamConnection c, boolean writable) {
            // Control messages are few and small; Netty buffers them while the socket is full.
        }

        @Override
        public void closed(UpstreamConnection c, Throwable cause) {
            link.closed(c, cause);
        }
    }
}
