package io.outpost.mqtt.internal.broker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare MQTT client for protocol edge cases no well-behaved client library produces (a wrong packet, an alias
 * without a topic, a withheld acknowledgement). It sends exactly what a test builds, with netty's MQTT codec,
 * and records every packet the broker sends. Received PUBLISH payloads are copied, so nothing needs releasing.
 */
public final class RawClient implements AutoCloseable {

    /**
     * How long a packet may take: a CONNACK waits for a password check, a fraction of a second of CPU by design,
     * which on a loaded 2-core CI machine can take several seconds.
     */
    private static final Duration PATIENCE = Duration.ofSeconds(30);


    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
    private final Channel channel;

    private RawClient(int port) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MqttDecoder(16 << 20), MqttEncoder.INSTANCE,
                                new SimpleChannelInboundHandler<MqttMessage>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
                                        if (msg instanceof MqttPublishMessage p) {
                                            received.add(p.copy());
                                        } else {
                                            received.add(msg);
                                        }
                                    }
                                });
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }

    public static RawClient open(int port) {
        try {
            return new RawClient(port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens a connection and sends a CONNECT; returns the client without waiting for CONNACK. */
    public static RawClient connecting(int port, MqttVersion version, String clientId, boolean clean, int keepAlive,
                                       MqttProperties props) {
        RawClient c = open(port);
        c.version(version);
        c.send(MqttMessageBuilders.connect().protocolVersion(version).clientId(clientId).cleanSession(clean)
                .keepAlive(keepAlive).properties(props == null ? MqttProperties.NO_PROPERTIES : props).build());
        return c;
    }

    /** Opens a connection and sends a CONNECT with a user name and password (either may be null). */
    public static RawClient connecting(int port, MqttVersion version, String clientId, boolean clean, String user,
                                       String password) {
        RawClient c = open(port);
        c.version(version);
        var b = MqttMessageBuilders.connect().protocolVersion(version).clientId(clientId).cleanSession(clean).keepAlive(60);
        if (version == MqttVersion.MQTT_5 && !clean) {
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 3600));
            b.properties(props);
        }
        if (user != null) {
            b.hasUser(true).username(user);
        }
        if (password != null) {
            b.hasPassword(true).password(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        c.send(b.build());
        return c;
    }

    /** The return code (3.1.1) or reason code (5) of the next packet, which must be a CONNACK. */
    public byte connAckCode() {
        return connAckCode(PATIENCE);
    }

    /** Like {@link #connAckCode()}, waiting up to {@code patience} for it. */
    public byte connAckCode(Duration patience) {
        return ((MqttConnAckMessage) expect(MqttMessageType.CONNACK, patience)).variableHeader().connectReturnCode()
                .byteValue();
    }

    /** Subscribes with QoS 1 and returns the SUBACK's codes. */
    public java.util.List<Integer> subscribe(int packetId, String... filters) {
        var b = MqttMessageBuilders.subscribe().messageId(packetId);
        for (String f : filters) {
            b.addSubscription(MqttQoS.AT_LEAST_ONCE, f);
        }
        send(b.build());
        return ((io.netty.handler.codec.mqtt.MqttSubAckMessage) expect(MqttMessageType.SUBACK)).payload().reasonCodes();
    }

    /**
     * The topics of the PUBLISH packets that arrive up to and including one on {@code last}, each QoS 1 one
     * acknowledged. Messages from one publisher arrive in order, so publishing a marker after messages that must
     * not arrive, and collecting up to the marker, shows they did not without waiting for a quiet period.
     */
    public java.util.List<String> topicsUntil(String last) {
        java.util.List<String> topics = new java.util.ArrayList<>();
        while (true) {
            MqttMessage m = next(PATIENCE);
            assertThat(m).as("a PUBLISH on %s (got %s so far)", last, topics).isNotNull();
            if (m instanceof MqttPublishMessage p) {
                String topic = p.variableHeader().topicName();
                topics.add(topic);
                if (p.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                    send(new MqttMessage(new io.netty.handler.codec.mqtt.MqttFixedHeader(MqttMessageType.PUBACK, false,
                            MqttQoS.AT_MOST_ONCE, false, 0),
                            io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader.from(p.variableHeader().packetId())));
                }
                if (topic.equals(last)) {
                    return topics;
                }
            }
        }
    }

    /** Connects and asserts the CONNACK accepted the client. */
    public static RawClient connected(int port, MqttVersion version, String clientId, boolean clean,
                                      MqttProperties props) {
        RawClient c = connecting(port, version, clientId, clean, 60, props);
        MqttConnAckMessage ack = (MqttConnAckMessage) c.expect(MqttMessageType.CONNACK);
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0);
        return c;
    }

    /** Tells the codec which protocol version to encode and decode (what a CONNECT does on a server). */
    public void version(MqttVersion v) {
        channel.attr(VERSION).set(v);
    }

    public void send(MqttMessage m) {
        channel.writeAndFlush(m).syncUninterruptibly();
    }

    public void sendBytes(byte[] bytes) {
        // Raw bytes bypass the encoder: it only encodes MqttMessage objects.
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).syncUninterruptibly();
    }

    public void publish(String topic, int qos, int packetId, byte[] payload, MqttProperties props) {
        send(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).messageId(packetId)
                .payload(Unpooled.wrappedBuffer(payload)).properties(props == null ? MqttProperties.NO_PROPERTIES : props)
                .retained(false).build());
    }

    /** The next packet from the broker, or null after {@code timeout}. */
    public MqttMessage next(Duration timeout) {
        try {
            return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The next packet, which must be of {@code type}. */
    public MqttMessage expect(MqttMessageType type) {
        return expect(type, PATIENCE);
    }

    private MqttMessage expect(MqttMessageType type, Duration patience) {
        MqttMessage m = next(patience);
        assertThat(m).as("a %s from the broker", type).isNotNull();
        assertThat(m.fixedHeader().messageType()).as("packet type").isEqualTo(type);
        return m;
    }

    /** Asserts that the broker sends nothing for a while. */
    public void expectNothing(Duration d) {
        MqttMessage m = next(d);
        assertThat(m).as("no packet from the broker").isNull();
    }

    /** True when the broker closed the connection within {@code timeout}. */
    public boolean closedWithin(Duration timeout) {
        return channel.closeFuture().awaitUninterruptibly(timeout.toMillis());
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        received.forEach(ReferenceCountUtil::release);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
