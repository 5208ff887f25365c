package io.outpost.mqtt.internal.broker.listener;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.outpost.mqtt.broker.config.BrokerLimits;
import io.outpost.mqtt.broker.config.ListenerConfig;
import io.outpost.mqtt.internal.broker.protocol.MqttConnection;
import io.outpost.mqtt.internal.broker.protocol.ProtocolContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One bound listener: the socket and the per-connection pipeline for its type (TCP, TLS, WebSocket, secure
 * WebSocket) ending in the MQTT decoder, encoder and {@link MqttConnection}. Started and closed by the broker.
 *
 * <p>A socket accepted while the broker already has {@code max-connections} plus
 * {@link BrokerLimits#REFUSAL_HEADROOM} connections is closed at once, before any byte is read: the few beyond the
 * limit within the headroom are kept only to be told why at CONNECT, within the connect deadline. WebSocket
 * listeners check the page's Origin ({@link OriginCheck}).
 */
public final class ListenerServer implements AutoCloseable {

    /** WebSocket subprotocols clients ask for: "mqtt" (MQTT 3.1.1 and 5) and the older "mqttv3.1". */
    static final String SUBPROTOCOLS = "mqtt,mqttv3.1";
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final ListenerConfig config;
    private final Channel channel;

    private ListenerServer(ListenerConfig config, Channel channel) {
        this.config = config;
        this.channel = channel;
    }

    /**
     * Binds a listener. Blocking (the bind); call it from the starting thread, not an event loop.
     *
     * @param connections every accepted connection is added here, so that the broker can close them all
     */
    public static ListenerServer bind(ListenerConfig config, EventLoopGroup group, ProtocolContext context,
                                      ChannelGroup connections) throws IOException {
        SslContext ssl = config.type().secure() ? ListenerTlsContexts.server(config.name(), config.tls()) : null;
        ByteCounter counter = new ByteCounter(context.stats());
        OriginCheck origins = config.type().webSocket()
                ? new OriginCheck(config, OwnHost.read(), context.stats(), context.violations()) : null;
        int hardLimit = context.limits().maxConnections() + BrokerLimits.REFUSAL_HEADROOM;
        int maxPacket = context.limits().maxPacketSize();
        long connectTimeoutMillis = context.limits().connectTimeout().toMillis();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (context.stats().connections() >= hardLimit) {
                            context.stats().connectionRefused();
                            context.violations().warn("listener {}: closed a connection from {} at accept: "
                                    + "max-connections ({}) reached", config.name(), ch.remoteAddress(),
                                    context.limits().maxConnections());
                            ch.close();
                            return;
                        }
                        connections.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("flush", new FlushConsolidationHandler(256, true));
                        if (ssl != null) {
                            p.addLast("tls", ssl.newHandler(ch.alloc()));
                        }
                        if (config.type().webSocket()) {
                            p.addLast("http", new HttpServerCodec());
                            p.addLast("http-aggregator", new HttpObjectAggregator(65_536));
                            p.addLast("origin", origins);
                            p.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath(config.path())
                                    .subprotocols(SUBPROTOCOLS)
                                    .maxFramePayloadLength(maxPacket + 8)
                                    .handshakeTimeoutMillis(connectTimeoutMillis)
                                    .build()));
                            p.addLast("websocket-frames", WebSocketFrames.INSTANCE);
                        }
                        p.addLast("bytes", counter);
                        p.addLast("idle", new IdleStateHandler(connectTimeoutMillis, 0, 0, TimeUnit.MILLISECONDS));
                        p.addLast("mqtt-decoder", new MqttDecoder(maxPacket, 65_535, true));
                        p.addLast("mqtt-encoder", MqttEncoder.INSTANCE);
                        p.addLast("mqtt", new MqttConnection(context, config));
                    }
                });
        String where = "listener " + config.name() + ": cannot listen on " + config.bind() + ":" + config.port();
        try {
            Channel ch = b.bind(new InetSocketAddress(config.bind(), config.port())).sync().channel();
            return new ListenerServer(config, ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(where + " (interrupted)", e);
        } catch (Exception e) {
            // sync() rethrows the bind failure (address in use, no such address) as it is.
            throw new IOException(where + " (" + e.getMessage() + ")", e);
        }
    }

    /** The port actually bound (differs from the config when it asked for port 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public ListenerConfig config() {
        return config;
    }

    /** Stops accepting connections; open connections are the broker's to close. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
