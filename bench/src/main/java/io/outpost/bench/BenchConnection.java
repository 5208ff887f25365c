package io.outpost.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One MQTT 3.1.1 connection of the load generator and of the end-to-end benchmark's meter, on raw netty: answers
 * the broker's QoS 1/2 flows (PUBACK, PUBREC/PUBREL/PUBCOMP) and hands received messages to a consumer on its
 * event loop (the message is released after the consumer returns). Lean on purpose, so that the client is not
 * what limits the measurement.
 */
public final class BenchConnection extends SimpleChannelInboundHandler<MqttMessage> {

    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final Consumer<MqttPublishMessage> onMessage;
    private final CompletableFuture<BenchConnection> connected = new CompletableFuture<>();
    private volatile CompletableFuture<Void> subscribed;
    private Channel channel;
    private int nextId = 1;

    private BenchConnection(Consumer<MqttPublishMessage> onMessage) {
        this.onMessage = onMessage;
    }

    public static CompletableFuture<BenchConnection> open(EventLoopGroup group, String host, int port, String clientId,
                                                          Consumer<MqttPublishMessage> onMessage) {
        BenchConnection c = new BenchConnection(onMessage);
        ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.attr(VERSION).set(MqttVersion.MQTT_3_1_1);
                        ch.pipeline().addLast(new MqttDecoder(1 << 20), MqttEncoder.INSTANCE, c);
                    }
                }).connect(host, port);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                c.connected.completeExceptionally(done.cause());
                return;
            }
            c.channel = f.channel();
            c.channel.writeAndFlush(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId(clientId).cleanSession(true).keepAlive(0).build());
        });
        return c.connected;
    }

    public CompletableFuture<Void> subscribe(String filter, int qos) {
        subscribed = new CompletableFuture<>();
        channel.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.valueOf(qos), filter).build());
        return subscribed;
    }

    /** Publishes; called on this connection's event loop. */
    void publish(String topic, int qos, ByteBuf payload) {
        int id = 0;
        if (qos > 0) {
            id = nextId;
            nextId = nextId == 65_535 ? 1 : nextId + 1;
        }
        channel.write(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos), false, 0),
                new MqttPublishVariableHeader(topic, qos == 0 ? -1 : id), payload), channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    Channel channel() {
        return channel;
    }

    public void close() {
        if (channel != null) {
            channel.writeAndFlush(MqttMessageBuilders.disconnect().build());
            channel.close();
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
        switch (msg.fixedHeader().messageType()) {
            case CONNACK -> {
                byte rc = ((MqttConnAckMessage) msg).variableHeader().connectReturnCode().byteValue();
                if (rc == 0) {
                    connected.complete(this);
                } else {
                    connected.completeExceptionally(new IllegalStateException("CONNACK " + rc));
                }
            }
            case SUBACK -> subscribed.complete(null);
            case PUBLISH -> {
                MqttPublishMessage p = (MqttPublishMessage) msg;
                int qos = p.fixedHeader().qosLevel().value();
                if (qos == 1) {
                    ctx.write(reply(MqttMessageType.PUBACK, p.variableHeader().packetId()), ctx.voidPromise());
                } else if (qos == 2) {
                    ctx.write(reply(MqttMessageType.PUBREC, p.variableHeader().packetId()), ctx.voidPromise());
                }
                onMessage.accept(p);
            }
            case PUBREC -> ctx.write(reply(MqttMessageType.PUBREL, id(msg)), ctx.voidPromise());
            case PUBREL -> ctx.write(reply(MqttMessageType.PUBCOMP, id(msg)), ctx.voidPromise());
            default -> {
                // PUBACK and PUBCOMP end a flow; nothing else to do.
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connected.completeExceptionally(new IllegalStateException("connection closed"));
    }

    private static int id(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private static MqttMessage reply(MqttMessageType type, int id) {
        MqttQoS q = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, q, false, 0), MqttMessageIdVariableHeader.from(id));
    }
}
