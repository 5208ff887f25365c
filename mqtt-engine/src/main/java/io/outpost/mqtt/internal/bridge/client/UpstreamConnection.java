package io.outpost.mqtt.internal.bridge.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.outpost.mqtt.bridge.config.ServerUri;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One MQTT connection to an upstream, over TCP or TLS, on the MQTT codec the broker uses. It only moves packets:
 * session state (packet ids, in-flight messages, QoS 2 handshakes) belongs to the caller and its store, which is
 * what lets a restarted gateway resume a handshake this object never saw.
 *
 * <p><b>Threads.</b> IO runs on a Netty event loop; every {@link Listener} call is handed to the caller's executor
 * (the upstream's own thread), in order. {@link #send} may be called from any thread.
 */
public final class UpstreamConnection {

    /** The largest packet the bridge accepts from an upstream (told to MQTT 5 servers as Maximum Packet Size). */
    public static final int MAX_INBOUND_PACKET = 1 << 20;

    /** Events of one connection, called on the caller's executor. */
    public interface Listener {
        /** A packet after CONNACK: an {@link UpstreamPublish} or another {@link MqttMessage} (no buffers). */
        void packet(UpstreamConnection connection, Object packet);

        void writability(UpstreamConnection connection, boolean writable);

        /** The connection is gone; {@code cause} is null for a plain close. */
        void closed(UpstreamConnection connection, Throwable cause);
    }

    private final Channel channel;
    private final ServerUri server;
    private final Executor executor;
    private final Listener listener;
    private volatile ConnAckInfo connAck;
    private volatile TopicAliases aliases = TopicAliases.NONE;
    private final Queue<PendingSend> unwritten = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writeQueued = new AtomicBoolean();
    private volatile long lastReadNanos = System.nanoTime();
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile long startedNanos;
    private volatile long tcpConnectedNanos;
    private volatile long connectSentNanos;
    private volatile long connAckNanos;

    private UpstreamConnection(Channel channel, ServerUri server, Executor executor, Listener listener) {
        this.channel = channel;
        this.server = server;
        this.executor = executor;
        this.listener = listener;
    }

    /**
     * Connects, sends CONNECT and completes (on the event loop) with the connection once a CONNACK accepted it.
     * Fails with {@link ConnectRefusedException} on a refusal, or with the IO error, or on {@code timeout} for the
     * whole exchange (TCP, TLS and CONNACK).
     */
    public static CompletableFuture<UpstreamConnection> connect(EventLoopGroup group, ServerUri server, SslContext ssl,
                                                                String sni, MqttPackets.ConnectSettings settings,
                                                                Duration timeout, Executor executor, Listener listener) {
        return connect(group, server, ssl, sni, () -> settings, timeout, timeout, executor, listener, null, false);
    }

    /**
     * As above, with the CONNECT's settings made on {@code executor} only once the transport answered (so that a
     * will with a sequence number, such as Sparkplug's NDEATH, counts only attempts that sent a CONNECT), a shorter
     * {@code tcpTimeout} for the TCP handshake alone, {@code byteCounter} (or null) first in the pipeline so it sees
     * the bytes of the socket, and {@code topicAliases} to use MQTT 5 topic aliases up to the server's maximum.
     * A failure before the TCP connection was up is a {@link TcpConnectException}; a CONNACK that did not come in
     * time is a {@link ConnAckTimeoutException}.
     */
    public static CompletableFuture<UpstreamConnection> connect(EventLoopGroup group, ServerUri server, SslContext ssl,
                                                                String sni, Supplier<MqttPackets.ConnectSettings> settings,
                                                                Duration tcpTimeout, Duration timeout,
                                                                Executor executor, Listener listener,
                                                                io.netty.channel.ChannelHandler byteCounter,
                                                                boolean topicAliases) {
        CompletableFuture<UpstreamConnection> result = new CompletableFuture<>();
        long started = System.nanoTime();
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, tcpTimeout.toMillis())))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        UpstreamConnection c = new UpstreamConnection(ch, server, executor, listener);
                        c.startedNanos = started;
                        if (byteCounter != null) {
                            ch.pipeline().addLast("bytes", byteCounter);
                        }
                        if (ssl != null) {
                            String peer = sni != null ? sni : server.host();
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), peer, server.port()));
                        }
                        ch.pipeline().addLast("decoder", new MqttDecoder(MAX_INBOUND_PACKET));
                        ch.pipeline().addLast("encoder", MqttEncoder.INSTANCE);
                        ch.pipeline().addLast("bridge", c.new Handler(result, topicAliases));
                    }
                });
        ChannelFuture connecting = b.connect(server.host(), server.port());
        Channel ch = connecting.channel();
        ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> {
            if (result.completeExceptionally(new ConnAckTimeoutException("no CONNACK from " + server + " within "
                    + timeout.toMillis() + " ms", connecting.isSuccess()))) {
                ch.close();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((c, e) -> deadline.cancel(false));
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new TcpConnectException(server, f.cause(), System.nanoTime() - started));
                return;
            }
            Handler handler = (Handler) f.channel().pipeline().get("bridge");
            if (handler == null) {
                // Reset between the TCP handshake and this listener: the pipeline is gone with the channel.
                result.completeExceptionally(new TcpConnectException(server, new ClosedChannelException(),
                        System.nanoTime() - started));
                return;
            }
            handler.tcpConnectedNanos = System.nanoTime();
            SslHandler tls = f.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
                handler.sendConnect(f.channel(), settings);
                return;
            }
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    handler.sendConnect(f.channel(), settings);
                } else if (result.completeExceptionally(h.cause())) {
                    f.channel().close();
                }
            });
        });
        return result;
    }

    /** When the attempt that made this connection started, its TCP handshake completed, its CONNECT went out. */
    public long startedNanos() {
        return startedNanos;
    }

    public long tcpConnectedNanos() {
        return tcpConnectedNanos;
    }

    public long connectSentNanos() {
        return connectSentNanos;
    }

    public long connAckNanos() {
        return connAckNanos;
    }

    public ServerUri server() {
        return server;
    }

    public ConnAckInfo connAck() {
        return connAck;
    }

    /** The topic aliases of this connection; used on the upstream's thread, in the order packets are sent. */
    public TopicAliases aliases() {
        return aliases;
    }

    public boolean isWritable() {
        return channel.isWritable();
    }

    public long lastReadNanos() {
        return lastReadNanos;
    }

    public long lastWriteNanos() {
        return lastWriteNanos;
    }

    /**
     * Writes packets in order. {@code onWritten} (or null) runs on the caller's executor once all of them reached the
     * socket. Sends that come while the event loop is busy are written together and flushed once: one socket write
     * and one loop wake-up for many small batches.
     */
    public void send(List<? extends MqttMessage> packets, Runnable onWritten) {
        if (packets.isEmpty()) {
            return;
        }
        unwritten.add(new PendingSend(packets, onWritten));
        if (writeQueued.compareAndSet(false, true)) {
            channel.eventLoop().execute(this::writeUnwritten);
        }
    }

    private void writeUnwritten() {
        writeQueued.set(false);
        PendingSend send;
        boolean wrote = false;
        while ((send = unwritten.poll()) != null) {
            ChannelFuture last = null;
            for (MqttMessage m : send.packets()) {
                last = channel.write(m);
            }
            wrote = true;
            Runnable onWritten = send.onWritten();
            if (onWritten != null) {
                last.addListener(f -> {
                    if (f.isSuccess()) {
                        executor.execute(onWritten);
                    }
                });
            }
        }
        if (wrote) {
            channel.flush();
            lastWriteNanos = System.nanoTime();
        }
    }

    private record PendingSend(List<? extends MqttMessage> packets, Runnable onWritten) {
    }

    /** Sends DISCONNECT (the session stays on the server) and closes. */
    public void disconnect() {
        channel.eventLoop().execute(() -> {
            if (channel.isActive()) {
                channel.writeAndFlush(MqttPackets.disconnect()).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    /**
     * Ends the connection so that the server publishes the will: MQTT 5 DISCONNECT with reason 0x04, or for MQTT
     * 3.1.1 (whose DISCONNECT discards the will) a close without DISCONNECT. The session stays either way.
     */
    public void disconnectWithWill(boolean v5) {
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                return;
            }
            if (v5) {
                channel.writeAndFlush(MqttPackets.disconnectWithWill()).addListener(ChannelFutureListener.CLOSE);
            } else {
                channel.close();
            }
        });
    }

    /** Closes the connection at once (a stalled or half-open link). */
    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return server.toString();
    }

    /** Reads packets on the event loop: the CONNACK completes the connect, the rest goes to the listener. */
    private final class Handler extends ChannelInboundHandlerAdapter {

        private final CompletableFuture<UpstreamConnection> connected;
        private final boolean topicAliases;
        private volatile MqttPackets.ConnectSettings settings;
        private volatile long tcpConnectedNanos;
        private Throwable failure;
        /** Packets of the read under way (event loop only). */
        private List<Object> read = new ArrayList<>();

        Handler(CompletableFuture<UpstreamConnection> connected, boolean topicAliases) {
            this.connected = connected;
            this.topicAliases = topicAliases;
        }

        /** Makes the CONNECT on the caller's executor (its will may take a sequence number) and sends it. */
        void sendConnect(Channel ch, Supplier<MqttPackets.ConnectSettings> supplier) {
            UpstreamConnection.this.tcpConnectedNanos = tcpConnectedNanos;
            executor.execute(() -> {
                if (connected.isDone() || !ch.isActive()) {
                    return;
                }
                MqttPackets.ConnectSettings s = supplier.get();
                settings = s;
                connectSentNanos = System.nanoTime();
                ch.writeAndFlush(MqttPackets.connect(s));
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastReadNanos = System.nanoTime();
            try {
                if (!(msg instanceof MqttMessage m)) {
                    return;
                }
                if (m.decoderResult().isFailure()) {
                    failure = new IOException("malformed packet from " + server + ": " + m.decoderResult().cause().getMessage());
                    ctx.close();
                    return;
                }
                if (!connected.isDone()) {
                    onConnAck(ctx, m);
                    return;
                }
                read.add(m instanceof MqttPublishMessage p ? MqttPackets.inbound(p) : m);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /**
         * Hands the packets of one read to the caller's executor as one task: at 10,000 acknowledgements a second a
         * task (and a thread wake-up) per packet cost more than the packets.
         */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            handOverReads();
            ctx.fireChannelReadComplete();
        }

        /** Packets read so far go before any later event, so the listener sees everything in socket order. */
        private void handOverReads() {
            if (read.isEmpty()) {
                return;
            }
            List<Object> packets = read;
            read = new ArrayList<>();
            executor.execute(() -> {
                for (Object packet : packets) {
                    listener.packet(UpstreamConnection.this, packet);
                }
            });
        }

        private void onConnAck(ChannelHandlerContext ctx, MqttMessage m) {
            if (m.fixedHeader().messageType() != MqttMessageType.CONNACK) {
                connected.completeExceptionally(new IOException(server + " sent " + m.fixedHeader().messageType()
                        + " before CONNACK"));
                ctx.close();
                return;
            }
            connAckNanos = System.nanoTime();
            MqttConnAckMessage ack = (MqttConnAckMessage) m;
            MqttConnectReturnCode code = ack.variableHeader().connectReturnCode();
            if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                int raw = code.byteValue() & 0xFF;
                String text = settings.version() == MqttVersion.MQTT_5 ? ReasonCodes.describe(raw) : code.name().toLowerCase(Locale.ROOT);
                connected.completeExceptionally(new ConnectRefusedException(raw, server + " refused the connection: " + text));
                ctx.close();
                return;
            }
            connAck = ConnAckInfo.of(ack);
            if (topicAliases && settings.version() == MqttVersion.MQTT_5) {
                aliases = new TopicAliases(connAck.topicAliasMaximum());
            }
            connected.complete(UpstreamConnection.this);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            boolean writable = ctx.channel().isWritable();
            handOverReads();
            executor.execute(() -> listener.writability(UpstreamConnection.this, writable));
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connected.completeExceptionally(failure != null ? failure
                    : new IOException(server + " closed the connection before CONNACK"))) {
                return;
            }
            handOverReads();
            Throwable cause = failure;
            executor.execute(() -> listener.closed(UpstreamConnection.this, cause));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure = cause;
            ctx.close();
        }
    }
}
