package io.outpost.bench.soak;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A local MQTT 3.1.1 client of the gateway's built-in broker, publishing numbered messages at a steady rate,
 * alternately QoS 1 on {@code soak/q1/pub/t<k>} and QoS 2 on {@code soak/q2/pub/t<k>}: the generator side of the
 * soak that can be observed. A message counts as accepted when the gateway acknowledges it (PUBACK; PUBREC for
 * QoS 2, the moment the broker takes it over, which it does only once the message is in the upstream's durable
 * queue). When the connection drops (the gateway was killed) the unacknowledged messages are abandoned, not sent
 * again: they were never accepted. It reconnects with a clean session every half second until the gateway is back.
 *
 * <p>All state is confined to its single event loop.
 */
public final class LocalPublisher implements AutoCloseable {

    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    private static final int WINDOW = 200;
    private static final int TOPICS = 4;

    private final EventLoopGroup loop = new NioEventLoopGroup(1);
    private final int port;
    private final int perSecond;
    private final Ledger ledger;
    /** Packet id to message number, for messages not yet acknowledged (QoS 2: not yet PUBREC). */
    private final Map<Integer, Long> unacknowledged = new HashMap<>();
    /** Packet ids of QoS 2 messages between PUBREC and PUBCOMP: accepted, id still in use. */
    private final Map<Integer, Long> releasing = new HashMap<>();
    private Channel channel;
    private boolean connected;
    private boolean publishing = true;
    private long next;
    private int nextId = 1;
    private double credit;
    private long connections;
    private long idleTicks;

    public LocalPublisher(int port, int perSecond, Ledger ledger) {
        this.port = port;
        this.perSecond = perSecond;
        this.ledger = ledger;
    }

    public void start() {
        loop.execute(this::connect);
        loop.scheduleAtFixedRate(this::tick, 10, 10, TimeUnit.MILLISECONDS);
    }

    /** Stops publishing and waits (up to {@code seconds}) for the answers to what is on its way. */
    public void finish(int seconds) throws Exception {
        loop.submit(() -> publishing = false).get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline
                && loop.submit(() -> unacknowledged.size() + releasing.size()).get() > 0) {
            Thread.sleep(100);
        }
    }

    /** Connections made so far (1 plus one per gateway restart seen). */
    public long connections() throws Exception {
        return loop.submit(() -> connections).get();
    }

    private void connect() {
        new Bootstrap().group(loop).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.attr(VERSION).set(MqttVersion.MQTT_3_1_1);
                        ch.pipeline().addLast(new MqttDecoder(1 << 16), MqttEncoder.INSTANCE, new Handler());
                    }
                }).connect("127.0.0.1", port).addListener(f -> {
                    if (f.isSuccess()) {
                        channel = ((io.netty.channel.ChannelFuture) f).channel();
                        channel.writeAndFlush(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
                                .clientId("soak-publisher").cleanSession(true).keepAlive(10).build());
                    } else {
                        reconnectLater();
                    }
                });
    }

    private void reconnectLater() {
        if (!loop.isShuttingDown()) {
            loop.schedule(this::connect, 500, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        if (!connected) {
            credit = 0;
            return;
        }
        if (!publishing) {
            credit = 0;
            // Keep-alive: the broker drops a client that says nothing for 1.5 keep-alive periods.
            if (++idleTicks % 500 == 0) {
                channel.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false,
                        MqttQoS.AT_MOST_ONCE, false, 0)));
            }
            return;
        }
        credit = Math.min(credit + perSecond / 100.0, perSecond);
        boolean wrote = false;
        while (credit >= 1 && unacknowledged.size() + releasing.size() < WINDOW) {
            credit--;
            publish(next++);
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void publish(long n) {
        int qos = n % 2 == 0 ? 1 : 2;
        String topic = "soak/q" + qos + "/pub/t" + (n / 2) % TOPICS;
        int id = freeId();
        unacknowledged.put(id, n);
        ledger.attempted(n);
        channel.write(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos),
                false, 0), new MqttPublishVariableHeader(topic, id),
                Unpooled.wrappedBuffer(Long.toString(n).getBytes(StandardCharsets.US_ASCII))));
    }

    private int freeId() {
        while (unacknowledged.containsKey(nextId) || releasing.containsKey(nextId)) {
            nextId = nextId == 65_535 ? 1 : nextId + 1;
        }
        int id = nextId;
        nextId = nextId == 65_535 ? 1 : nextId + 1;
        return id;
    }

    private final class Handler extends SimpleChannelInboundHandler<MqttMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
            switch (msg.fixedHeader().messageType()) {
                case CONNACK -> {
                    if (((MqttConnAckMessage) msg).variableHeader().connectReturnCode().byteValue() == 0) {
                        connected = true;
                        connections++;
                    } else {
                        ctx.close();
                    }
                }
                case PUBACK -> {
                    Long n = unacknowledged.remove(id(msg));
                    if (n != null) {
                        ledger.accepted(n);
                    }
                }
                case PUBREC -> {
                    int id = id(msg);
                    Long n = unacknowledged.remove(id);
                    if (n != null) {
                        ledger.accepted(n);
                        releasing.put(id, n);
                    }
                    ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false,
                            MqttQoS.AT_LEAST_ONCE, false, 0), MqttMessageIdVariableHeader.from(id)));
                }
                case PUBCOMP -> releasing.remove(id(msg));
                default -> {
                    // PINGRESP and nothing else is expected: this client subscribes to nothing.
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connected = false;
            unacknowledged.clear();
            releasing.clear();
            reconnectLater();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset when the gateway is killed: the connection closes and channelInactive reconnects.
            ctx.close();
        }
    }

    private static int id(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
