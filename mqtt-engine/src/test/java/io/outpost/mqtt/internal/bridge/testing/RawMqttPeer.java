package io.outpost.mqtt.internal.bridge.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal MQTT 5 server written for one purpose: to tell the bridge exact limits in its CONNACK (Receive
 * Maximum, Maximum Packet Size) and to watch what the bridge does with them, packet by packet: how many QoS 1/2
 * messages it has unacknowledged at once, what it sends after a restart. Acknowledges after a configurable delay, or
 * stops acknowledging on request. Keeps one session per client id in memory (packet ids of QoS 2 handshakes).
 * It can also play the cloud side of commands: answer SUBSCRIBE and send QoS 2 PUBLISH and PUBREL packets of its
 * own ({@link #sendQos2}, {@link #sendPubRel}), recording the bridge's PUBREC and PUBCOMP.
 */
public final class RawMqttPeer implements AutoCloseable {

    /** One packet the bridge sent. */
    public record Packet(MqttMessageType type, int packetId, String topic, String payload, boolean dup, int qos) {
    }

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel server;
    private final int receiveMaximum;
    private final long maximumPacketSize;
    private final ConcurrentLinkedQueue<Packet> packets = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger maxInflight = new AtomicInteger();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final Set<Integer> qos2Pending = new HashSet<>();
    private volatile long ackDelayMillis;
    private volatile boolean completeQos2 = true;
    private volatile boolean acknowledge = true;
    private volatile boolean violated;
    private volatile Channel current;
    private final AtomicInteger connectCount = new AtomicInteger();

    private RawMqttPeer(int receiveMaximum, long maximumPacketSize) throws InterruptedException {
        this.receiveMaximum = receiveMaximum;
        this.maximumPacketSize = maximumPacketSize;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MqttDecoder(1 << 20), MqttEncoder.INSTANCE, new Handler());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public static RawMqttPeer start(int receiveMaximum, long maximumPacketSize) throws InterruptedException {
        return new RawMqttPeer(receiveMaximum, maximumPacketSize);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** PUBACK / PUBREC come this long after the PUBLISH. */
    public RawMqttPeer ackDelay(long millis) {
        this.ackDelayMillis = millis;
        return this;
    }

    /** Whether PUBREL is answered with PUBCOMP (off: the handshake hangs after PUBREL). */
    public RawMqttPeer completeQos2(boolean on) {
        this.completeQos2 = on;
        return this;
    }

    /** Whether PUBLISH is acknowledged at all. */
    public RawMqttPeer acknowledge(boolean on) {
        this.acknowledge = on;
        return this;
    }

    public List<Packet> packets() {
        return new ArrayList<>(packets);
    }

    /** The most QoS 1/2 messages the bridge had unacknowledged at once (its send quota in use). */
    public int maxInflight() {
        return maxInflight.get();
    }

    /** True when the bridge ever sent more than Receive Maximum unacknowledged, or a packet over the maximum size. */
    public boolean violated() {
        return violated;
    }

    private final class Handler extends SimpleChannelInboundHandler<MqttMessage> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage m) {
            switch (m.fixedHeader().messageType()) {
                case CONNECT -> {
                    connectCount.incrementAndGet();
                    connAck(ctx, (MqttConnectMessage) m);
                }
                case PUBLISH -> publish(ctx, (MqttPublishMessage) m);
                case PUBREL -> {
                    int id = ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
                    packets.add(new Packet(MqttMessageType.PUBREL, id, null, null, false, 1));
                    if (completeQos2) {
                        synchronized (qos2Pending) {
                            qos2Pending.remove(id);
                        }
                        inflight.decrementAndGet();
                        ctx.writeAndFlush(reply(MqttMessageType.PUBCOMP, id));
                    }
                }
                case PINGREQ -> ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
                case SUBSCRIBE -> {
                    io.netty.handler.codec.mqtt.MqttSubscribeMessage sub = (io.netty.handler.codec.mqtt.MqttSubscribeMessage) m;
                    int id = sub.idAndPropertiesVariableHeader().messageId();
                    packets.add(new Packet(MqttMessageType.SUBSCRIBE, id, sub.payload().topicSubscriptions().get(0).topicName(),
                            null, false, sub.payload().topicSubscriptions().get(0).qualityOfService().value()));
                    int[] granted = sub.payload().topicSubscriptions().stream().mapToInt(t -> t.qualityOfService().value()).toArray();
                    ctx.writeAndFlush(io.netty.handler.codec.mqtt.MqttMessageBuilders.subAck().packetId(id)
                            .addGrantedQoses(java.util.Arrays.stream(granted).mapToObj(MqttQoS::valueOf).toArray(MqttQoS[]::new)).build());
                }
                case PUBREC, PUBCOMP, PUBACK -> packets.add(new Packet(m.fixedHeader().messageType(),
                        ((MqttMessageIdVariableHeader) m.variableHeader()).messageId(), null, null, false, 0));
                default -> packets.add(new Packet(m.fixedHeader().messageType(), -1, null, null, false, 0));
            }
        }

        private void connAck(ChannelHandlerContext ctx, MqttConnectMessage c) {
            current = ctx.channel();
            String id = c.payload().clientIdentifier();
            boolean present = !c.variableHeader().isCleanSession() && !sessions.add(id);
            if (!present) {
                synchronized (qos2Pending) {
                    qos2Pending.clear();
                }
            }
            inflight.set(0);
            MqttProperties p = new MqttProperties();
            p.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value(), receiveMaximum));
            if (maximumPacketSize > 0) {
                p.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), (int) maximumPacketSize));
            }
            ctx.writeAndFlush(new MqttConnAckMessage(new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new MqttConnAckVariableHeader(MqttConnectReturnCode.CONNECTION_ACCEPTED, present, p)));
        }

        private void publish(ChannelHandlerContext ctx, MqttPublishMessage p) {
            int qos = p.fixedHeader().qosLevel().value();
            int id = p.variableHeader().packetId();
            String payload = p.payload().toString(StandardCharsets.UTF_8);
            packets.add(new Packet(MqttMessageType.PUBLISH, id, p.variableHeader().topicName(), payload, p.fixedHeader().isDup(), qos));
            if (maximumPacketSize > 0 && p.fixedHeader().remainingLength() + 2 > maximumPacketSize) {
                violated = true;
            }
            if (qos == 0) {
                return;
            }
            boolean duplicate;
            synchronized (qos2Pending) {
                duplicate = qos == 2 && !qos2Pending.add(id);
            }
            if (!duplicate) {
                int now = inflight.incrementAndGet();
                maxInflight.accumulateAndGet(now, Math::max);
                if (now > receiveMaximum) {
                    violated = true;
                }
            }
            if (!acknowledge) {
                return;
            }
            ctx.executor().schedule(() -> {
                if (qos == 1) {
                    inflight.decrementAndGet();
                    ctx.writeAndFlush(reply(MqttMessageType.PUBACK, id));
                } else {
                    ctx.writeAndFlush(reply(MqttMessageType.PUBREC, id));
                }
            }, ackDelayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends a QoS 2 PUBLISH (a command) to the connected bridge, with DUP set when it is sent again. */
    public void sendQos2(String topic, String payload, int packetId, boolean dup) {
        MqttPublishMessage m = new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.EXACTLY_ONCE, false, 0),
                new io.netty.handler.codec.mqtt.MqttPublishVariableHeader(topic, packetId, MqttProperties.NO_PROPERTIES),
                io.netty.buffer.Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
        current.writeAndFlush(m).syncUninterruptibly();
    }

    /** Sends PUBREL for a QoS 2 PUBLISH of this peer's. */
    public void sendPubRel(int packetId) {
        current.writeAndFlush(reply(MqttMessageType.PUBREL, packetId)).syncUninterruptibly();
    }

    /** CONNECT packets seen (one per connection of the bridge). */
    public long connects() {
        return connectCount.get();
    }

    private static MqttMessage reply(MqttMessageType type, int id) {
        return new MqttMessage(new MqttFixedHeader(type, false, type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttPubReplyMessageVariableHeader(id, (byte) 0, MqttProperties.NO_PROPERTIES));
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
