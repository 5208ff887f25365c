package io.outpost.mqtt.internal.broker.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.outpost.core.log.SafeText;
import io.outpost.core.message.Message;
import io.outpost.mqtt.broker.config.ClientPolicy;
import io.outpost.mqtt.broker.config.ListenerConfig;
import io.outpost.mqtt.internal.broker.auth.AccessView;
import io.outpost.mqtt.internal.broker.auth.AuthResult;
import io.outpost.mqtt.internal.broker.auth.ClientAccess;
import io.outpost.mqtt.internal.broker.auth.ClientIdentity;
import io.outpost.mqtt.internal.broker.session.ClientLink;
import io.outpost.mqtt.internal.broker.session.ClientPublish;
import io.outpost.mqtt.internal.broker.session.ClientSettings;
import io.outpost.mqtt.internal.broker.session.ConnectRequest;
import io.outpost.mqtt.internal.broker.session.Session;
import io.outpost.mqtt.internal.broker.stats.BrokerStats.Drop;
import io.outpost.mqtt.internal.broker.stats.BrokerStats.Quota;
import io.outpost.mqtt.internal.broker.stats.CloseReason;
import io.outpost.mqtt.internal.broker.wire.Packets;
import io.outpost.mqtt.internal.broker.wire.ReasonCode;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's network connection: checks CONNECT and authenticates it, then checks every packet (topic aliases,
 * ACL, protocol rules) and hands it to the client's session on the session's thread. A malformed, oversized or
 * out-of-protocol packet closes only this connection (MQTT 5 clients first get a DISCONNECT with the reason) and
 * is logged, rate-limited. A complete CONNECT must arrive within {@code connect-timeout} of the accept, however the
 * bytes trickle in. Every string a client chose (client id, user name, topics) is logged through {@link SafeText}.
 *
 * Every connection the broker ends is counted by {@link CloseReason} and logged once, when it has closed, with the
 * reason (what a hostile client can cause, rate-limited); connections the client ends are counted only.
 *
 * <p><b>Back-pressure.</b> The session may stop reading this connection ({@link #pauseReading}): its socket buffer
 * fills and TCP flow control slows the client down, without a disconnect and without losing its place.
 *
 * <p>Handler methods run on the channel's event loop; the {@link ClientLink} methods may be called from the
 * session's loop. One instance per channel.
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter implements ClientLink {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    /** The attribute netty's MQTT decoder and encoder keep the protocol version in. */
    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    private static final int MAX_EARLY_PACKETS = 1_000;
    /**
     * Tasks queued on a loop and not run yet (a delivery each, or one for a loop's share of a fanned-out message)
     * beyond which publishers stop being read until it is down to half: a loop starved of CPU would otherwise queue
     * whatever its publishers on other loops send (measured: 200 rather than 1,000 took the fan-out p50 from 138 to
     * 110 ms and the fan-in p99 from 72 to 52 ms under overload, see BENCHMARKS.md).
     */
    static final int BACKLOG_LIMIT = 200;

    /** AUTHENTICATING: password check running; CONNECTING: session being set up; CONNECTED: bound to it. */
    private enum State { AWAIT_CONNECT, AUTHENTICATING, CONNECTING, CONNECTED, CLOSING }

    /** Why the broker is ending this connection (the first reason given wins). */
    private record Closing(CloseReason reason, String detail) {
    }

    private final ProtocolContext context;
    private final ListenerConfig listener;
    private final ConnectReader connectReader;
    private final PublishPacketReader publishReader;
    private final ArrayDeque<MqttMessage> early = new ArrayDeque<>();

    private Channel channel;
    private State state = State.AWAIT_CONNECT;
    private boolean overLimit;
    private volatile ClientSettings settings;
    private volatile String clientId;
    private volatile String username;
    /** The client's rights, kept current with the rules in force; null until authenticated. */
    private AccessView access;
    private ScheduledFuture<?> connectDeadline;
    /** The session and its loop, known on this connection's loop once the session bound it. */
    private EventLoop sessionLoop;
    private Session session;
    private long expiryAtConnect;
    private final AtomicReference<Closing> closing = new AtomicReference<>();
    private boolean clientDisconnected;
    /** The session asked not to read (set and read on this connection's loop). */
    private boolean readPaused;

    public MqttConnection(ProtocolContext context, ListenerConfig listener) {
        this.context = context;
        this.listener = listener;
        this.connectReader = new ConnectReader(context.limits());
        this.publishReader = new PublishPacketReader(context.limits().maxTopicAliases());
    }

    // ------------------------------------------------------------------ channel events

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        context.stats().connectionOpened();
        if (context.stats().connections() > context.limits().maxConnections()) {
            // Answered at CONNECT, so that the client learns why instead of seeing a bare close; the listener
            // closes sockets beyond a small headroom at accept, and the connect deadline bounds the wait.
            overLimit = true;
            context.stats().connectionRefused();
        }
        // A fixed deadline, unlike the idle timer: a client sending its CONNECT a byte at a time is closed too.
        connectDeadline = ctx.executor().schedule(this::connectTimedOut,
                context.limits().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    private void connectTimedOut() {
        if (state == State.AWAIT_CONNECT && channel.isActive()) {
            closing(CloseReason.CONNECT_TIMEOUT, "no complete CONNECT within "
                    + context.limits().connectTimeout().toMillis() + " ms");
            close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        context.stats().connectionClosed();
        if (connectDeadline != null) {
            connectDeadline.cancel(false);
        }
        logClose();
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        if (session != null) {
            toSession(s -> s.onLinkClosed(this));
        }
        state = State.CLOSING;
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (m.decoderResult().isFailure()) {
            ReferenceCountUtil.release(m);
            malformed(m.decoderResult().cause());
            return;
        }
        switch (state) {
            case AWAIT_CONNECT -> {
                if (m instanceof MqttConnectMessage connect) {
                    onConnect(connect);
                } else {
                    ReferenceCountUtil.release(m);
                    violation(ReasonCode.PROTOCOL_ERROR, "the first packet must be CONNECT, found " + m.fixedHeader().messageType());
                }
            }
            case AUTHENTICATING, CONNECTING -> {
                if (early.size() >= MAX_EARLY_PACKETS) {
                    ReferenceCountUtil.release(m);
                    violation(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "too many packets before CONNACK");
                } else {
                    early.add(m);
                }
            }
            case CONNECTED -> dispatch(m);
            default -> ReferenceCountUtil.release(m);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && state == State.CONNECTED) {
            toSession(s -> s.onWritable(this));
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (readPaused) {
                // Not reading is the broker's doing (back-pressure): the client's PINGREQs wait in the socket.
                return;
            }
            if (state == State.CONNECTED) {
                disconnect(ReasonCode.KEEP_ALIVE_TIMEOUT, "keep-alive timeout", CloseReason.KEEP_ALIVE_TIMEOUT);
            } else {
                closing(CloseReason.CONNECT_TIMEOUT, "no CONNECT in time");
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // Resets and broken pipes are how clients on bad links go away; the close tells the session.
            LOG.debug("{}: {}", describe(), cause.toString());
        } else {
            closing(CloseReason.INTERNAL_ERROR, cause.toString());
        }
        ctx.close();
    }

    // ------------------------------------------------------------------ CONNECT

    private void onConnect(MqttConnectMessage msg) {
        ConnectReader.Connect c;
        try {
            c = connectReader.read(msg, context.clock().millis());
        } catch (ProtocolException e) {
            MqttVersion v = channel.attr(VERSION).get();
            closing(CloseReason.BAD_CONNECT, e.getMessage());
            refuse(v == null ? MqttVersion.MQTT_3_1_1 : v, e.reason(), e.getMessage());
            return;
        } finally {
            ReferenceCountUtil.release(msg);
        }
        connectDeadline.cancel(false);
        settings = c.settings();
        clientId = c.clientId();
        if (overLimit) {
            closing(CloseReason.MAX_CONNECTIONS, "max-connections (" + context.limits().maxConnections() + ") reached");
            refuse(c.version(), c.settings().isV5() ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.SERVER_UNAVAILABLE,
                    "max-connections (" + context.limits().maxConnections() + ") reached");
            return;
        }
        state = State.AUTHENTICATING;
        channel.config().setAutoRead(false);
        context.authenticator().authenticate(listener, c.username(), c.password(), CertificateIdentity.of(channel),
                        channel.remoteAddress())
                .whenComplete((result, error) -> channel.eventLoop().execute(() -> authenticated(c, result, error)));
    }

    private void authenticated(ConnectReader.Connect c, AuthResult result, Throwable error) {
        if (!channel.isActive() || state != State.AUTHENTICATING) {
            return;
        }
        if (error != null) {
            LOG.warn("{}: authentication failed with an error", describe(), error);
            closing(CloseReason.AUTH_FAILED, "authentication error: " + error);
            refuse(c.version(), ReasonCode.SERVER_UNAVAILABLE, "authentication error");
            return;
        }
        if (result.outcome() != AuthResult.Outcome.ACCEPTED) {
            context.stats().authFailure();
            byte code = switch (result.outcome()) {
                case BAD_CREDENTIALS -> ReasonCode.BAD_USER_NAME_OR_PASSWORD;
                case BUSY -> ReasonCode.SERVER_BUSY;
                default -> ReasonCode.NOT_AUTHORIZED;
            };
            closing(CloseReason.AUTH_FAILED, "user " + SafeText.of(c.username()) + ": " + result.outcome());
            refuse(c.version(), code, null);
            return;
        }
        username = result.username();
        ClientIdentity identity = result.identity(c.clientId());
        access = new AccessView(context.access(), identity);
        String willRefusal = c.will() == null ? null : access.current().whyNotPublish(c.will().message().topic());
        if (willRefusal != null) {
            // The same rule as for a PUBLISH: a will is a publication made later on the client's behalf.
            context.stats().authFailure();
            closing(CloseReason.NOT_AUTHORIZED, "not allowed to publish its will on "
                    + SafeText.of(c.will().message().topic()) + ": " + willRefusal);
            refuse(c.version(), ReasonCode.NOT_AUTHORIZED, "will topic not allowed: " + willRefusal);
            return;
        }
        if (c.keepAliveSeconds() > 0) {
            long millis = c.keepAliveSeconds() * 1500L;
            channel.pipeline().replace("idle", "idle", new IdleStateHandler(millis, 0, 0, TimeUnit.MILLISECONDS));
        } else {
            channel.pipeline().remove("idle");
        }
        expiryAtConnect = c.expirySeconds();
        state = State.CONNECTING;
        context.sessions().connect(new ConnectRequest(this, c.clientId(), c.cleanStart(), c.expirySeconds(), c.will(),
                c.connAckProperties(), channel.eventLoop(), identity), c.settings());
        LOG.debug("{} connecting (MQTT {}, keep-alive {} s)", describe(), c.version(), c.keepAliveSeconds());
    }

    /** The session sent CONNACK: packets that arrived meanwhile go to it now, in order, and reading resumes. */
    private void bound(Session s) {
        session = s;
        sessionLoop = s.executor();
        if (state != State.CONNECTING || !channel.isActive()) {
            toSession(x -> x.onLinkClosed(this));
            return;
        }
        state = State.CONNECTED;
        while (!early.isEmpty() && state == State.CONNECTED) {
            dispatch(early.poll());
        }
        channel.config().setAutoRead(!readPaused);
    }

    private void refuse(MqttVersion version, byte code, String why) {
        state = State.CLOSING;
        if (version != MqttVersion.MQTT_5 && !Packets.hasV3ReturnCode(code)) {
            channel.close();
            return;
        }
        channel.writeAndFlush(Packets.connAck(version, code, false, reasonProperties(version, why)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static MqttProperties reasonProperties(MqttVersion version, String why) {
        if (version != MqttVersion.MQTT_5 || why == null) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties p = new MqttProperties();
        Props.add(p, MqttPropertyType.REASON_STRING, why);
        return p;
    }

    // ------------------------------------------------------------------ after CONNECT

    private void dispatch(MqttMessage m) {
        try {
            switch (m.fixedHeader().messageType()) {
                case PUBLISH -> {
                    onPublish((MqttPublishMessage) m);
                    if (!readPaused && session.readingShouldPause()) {
                        // Back-pressure asked for from another thread: stop before the next read, not a read later.
                        applyReadPause(true);
                    } else if (!readPaused && context.sessions().backlog() >= BACKLOG_LIMIT) {
                        pauseWhileBacklogged();
                    }
                }
                case PUBACK -> {
                    int id = packetId(m);
                    toSession(s -> s.onPubAck(this, id));
                }
                case PUBREC -> {
                    int id = packetId(m);
                    byte reason = m.variableHeader() instanceof MqttPubReplyMessageVariableHeader r ? r.reasonCode() : 0;
                    toSession(s -> s.onPubRec(this, id, reason));
                }
                case PUBREL -> {
                    int id = packetId(m);
                    toSession(s -> s.onPubRel(this, id));
                }
                case PUBCOMP -> {
                    int id = packetId(m);
                    toSession(s -> s.onPubComp(this, id));
                }
                case SUBSCRIBE -> onSubscribe((MqttSubscribeMessage) m);
                case UNSUBSCRIBE -> {
                    MqttUnsubscribeMessage u = (MqttUnsubscribeMessage) m;
                    int id = u.variableHeader().messageId();
                    List<String> topics = List.copyOf(u.payload().topics());
                    toSession(s -> s.onUnsubscribe(this, id, topics));
                }
                case PINGREQ -> toSession(s -> {
                    send(Packets.PINGRESP);
                    flush();
                });
                case DISCONNECT -> onDisconnect(m);
                case CONNECT -> violation(ReasonCode.PROTOCOL_ERROR, "a second CONNECT");
                case AUTH -> violation(ReasonCode.PROTOCOL_ERROR, "AUTH without an authentication method");
                default -> violation(ReasonCode.PROTOCOL_ERROR, "a client must not send " + m.fixedHeader().messageType());
            }
        } catch (ProtocolException e) {
            violation(e.reason(), e.getMessage());
        } finally {
            ReferenceCountUtil.release(m);
        }
    }

    private static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private void onPublish(MqttPublishMessage m) throws ProtocolException {
        boolean v5 = settings.isV5();
        Message message = publishReader.read(m, clientId, v5, context.clock().millis());
        int packetId = m.variableHeader().packetId();
        String topic = message.topic();
        ClientAccess rights = access.current();
        String denial = rights.whyNotPublish(topic);
        if (denial != null) {
            context.stats().dropped(topic.startsWith("$") && !v5 ? Drop.DOLLAR_TOPIC : Drop.NOT_AUTHORIZED);
            if (!v5) {
                if (topic.startsWith("$") && context.clients().mqtt3DollarPublish() == ClientPolicy.DollarPublish.DROP) {
                    // MQTT-3.3.5-2: a server may acknowledge a PUBLISH it does not authorize and drop it.
                    context.violations().warn("{}: not allowed to publish to {} ({}); acknowledged and dropped",
                            describe(), SafeText.of(topic), denial);
                    ClientPublish dropped = new ClientPublish(packetId, message, (byte) 0, null, true);
                    toSession(s -> s.onPublish(this, dropped));
                    return;
                }
                // MQTT 3.1.1 cannot refuse a PUBLISH; the connection is closed so that the client notices.
                closing(CloseReason.NOT_AUTHORIZED, "not allowed to publish to " + SafeText.of(topic) + " (" + denial
                        + ")");
                close();
                return;
            }
            context.violations().warn("{}: not allowed to publish to {} ({})", describe(), SafeText.of(topic), denial);
            refusePublish(packetId, message, ReasonCode.NOT_AUTHORIZED, "not allowed to publish to " + topic);
            return;
        }
        String responseRefusal = responseTopicRefusal(rights, message.responseTopic());
        if (responseRefusal != null) {
            context.stats().dropped(Drop.NOT_AUTHORIZED);
            context.violations().warn("{}: not allowed to name response topic {} ({})", describe(),
                    SafeText.of(message.responseTopic()), responseRefusal);
            refusePublish(packetId, message, ReasonCode.NOT_AUTHORIZED, "not allowed to use response topic "
                    + message.responseTopic() + ": " + responseRefusal);
            return;
        }
        if (message.retain() && !context.retained().admits(message)) {
            context.stats().quotaRefused(Quota.RETAINED);
            context.violations().warn("{}: retained message on {} refused: max-retained-messages or "
                    + "max-retained-bytes reached", describe(), SafeText.of(topic));
            if (!v5) {
                // No negative acknowledgement in 3.1.1: closing is the only way to say no (MQTT-3.3.5-2).
                closing(CloseReason.MESSAGE_REFUSED, "retained message limit reached");
                close();
                return;
            }
            refusePublish(packetId, message, ReasonCode.QUOTA_EXCEEDED, "the broker's retained message limit is reached");
            return;
        }
        byte refusal = 0;
        String why = null;
        if (!PublishPacketReader.payloadFormatValid(message)) {
            refusal = ReasonCode.PAYLOAD_FORMAT_INVALID;
            why = "the payload is not valid UTF-8";
        }
        ClientPublish p = new ClientPublish(packetId, message, refusal, why);
        toSession(s -> s.onPublish(this, p));
    }

    /**
     * Why a response topic may not be used, or null. Whoever answers a request publishes to its response topic (the
     * gateway's command router among them, with its own rights): so a client may only name a topic it may publish
     * to itself, and never a command topic, where an answer would be taken for a write.
     */
    private String responseTopicRefusal(ClientAccess rights, String responseTopic) {
        if (responseTopic == null) {
            return null;
        }
        String why = rights.whyNotPublish(responseTopic);
        if (why == null && context.access().commandTopics().contains(responseTopic)) {
            why = "it is a command topic";
        }
        return why;
    }

    private void refusePublish(int packetId, Message message, byte reason, String reasonString) {
        ClientPublish p = new ClientPublish(packetId, message, reason, reasonString);
        toSession(s -> s.onPublish(this, p));
    }

    private void onSubscribe(MqttSubscribeMessage m) throws ProtocolException {
        int packetId = m.idAndPropertiesVariableHeader().messageId();
        SubscribeReader.Subscribe sub = SubscribeReader.read(m, settings.isV5(), access.current(),
                filter -> context.violations().warn("{}: not allowed to subscribe to {}", describe(),
                        SafeText.of(filter)));
        toSession(s -> s.onSubscribe(this, packetId, sub.requests(), sub.subscriptionId()));
    }

    private void onDisconnect(MqttMessage m) throws ProtocolException {
        byte reason = 0;
        Long expiry = null;
        if (settings.isV5() && m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h) {
            reason = h.reasonCode();
            expiry = Props.number(h.properties(), MqttPropertyType.SESSION_EXPIRY_INTERVAL);
            if (expiry != null && expiry > 0 && expiryAtConnect == 0) {
                throw new ProtocolException(ReasonCode.PROTOCOL_ERROR,
                        "a session expiry set at DISCONNECT when CONNECT had none (MQTT-3.14.2-2)");
            }
        }
        byte r = reason;
        Long e = expiry;
        state = State.CLOSING;
        clientDisconnected = true;
        toSession(s -> s.onDisconnect(this, r, e));
        channel.close();
    }

    /** Runs {@code action} on the session's loop (at once when that is this connection's loop). */
    private void toSession(Consumer<Session> action) {
        Session s = session;
        if (sessionLoop.inEventLoop()) {
            action.accept(s);
        } else {
            sessionLoop.execute(() -> action.accept(s));
        }
    }

    // ------------------------------------------------------------------ errors

    private void malformed(Throwable cause) {
        context.stats().malformed();
        MqttVersion version = channel.attr(VERSION).get();
        closing(CloseReason.MALFORMED_PACKET, SafeText.of(cause.getMessage()));
        if (state == State.AWAIT_CONNECT) {
            if (cause instanceof MqttUnacceptableProtocolVersionException) {
                refuse(MqttVersion.MQTT_3_1_1, ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, null);
            } else if (cause instanceof MqttIdentifierRejectedException) {
                refuse(version == null ? MqttVersion.MQTT_3_1_1 : version, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, null);
            } else if (version == MqttVersion.MQTT_5) {
                refuse(version, ReasonCode.MALFORMED_PACKET, cause.getMessage());
            } else {
                close();
            }
            return;
        }
        disconnect(cause instanceof TooLongFrameException ? ReasonCode.PACKET_TOO_LARGE : ReasonCode.MALFORMED_PACKET,
                cause.getMessage(), CloseReason.MALFORMED_PACKET);
    }

    private void violation(byte reason, String what) {
        context.stats().malformed();
        closing(CloseReason.PROTOCOL_ERROR, SafeText.of(what));
        if (state == State.AWAIT_CONNECT) {
            close();
        } else {
            disconnect(reason, what, CloseReason.PROTOCOL_ERROR);
        }
    }

    private void close() {
        state = State.CLOSING;
        channel.close();
    }

    // ------------------------------------------------------------------ ClientLink

    @Override
    public ClientSettings settings() {
        return settings;
    }

    @Override
    public void send(MqttMessage message) {
        channel.write(message, channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public boolean writable() {
        return channel.isWritable();
    }

    @Override
    public void disconnect(byte reason, String reasonString, CloseReason why) {
        closing(why, reasonString);
        if (channel.eventLoop().inEventLoop()) {
            state = State.CLOSING;
        }
        ClientSettings s = settings;
        if (s != null && s.isV5() && channel.isActive()) {
            channel.writeAndFlush(Packets.disconnect(reason, s.requestProblemInformation() ? reasonString : null))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    @Override
    public void pauseReading(boolean paused) {
        // At once on this connection's own loop (the usual case: the session lives there), so that the read under
        // way is the last; a session on another loop always goes through a task, which keeps its calls in order.
        if (channel.eventLoop().inEventLoop()) {
            applyReadPause(paused);
        } else {
            channel.eventLoop().execute(() -> applyReadPause(paused));
        }
    }

    private void applyReadPause(boolean paused) {
        if (readPaused == paused) {
            return;
        }
        readPaused = paused;
        if (paused) {
            context.stats().readPaused();
        }
        if (state == State.CONNECTED) {
            channel.config().setAutoRead(!paused);
        }
    }

    /** Stops reading while the broker's loops are behind; checks every millisecond and reads again at half. */
    private void pauseWhileBacklogged() {
        applyReadPause(true);
        channel.eventLoop().schedule(new Runnable() {
            @Override
            public void run() {
                if (!readPaused || !channel.isActive()) {
                    return;
                }
                if (context.sessions().backlog() > BACKLOG_LIMIT / 2) {
                    channel.eventLoop().schedule(this, 1, TimeUnit.MILLISECONDS);
                } else if (!session.readingShouldPause()) {
                    applyReadPause(false);
                }
            }
        }, 1, TimeUnit.MILLISECONDS);
    }

    /** Remembers why the broker ends this connection; the first reason given is the one counted and logged. */
    private void closing(CloseReason reason, String detail) {
        closing.compareAndSet(null, new Closing(reason, detail));
    }

    /** Counts the closed connection by reason and logs it once when the broker ended it. */
    private void logClose() {
        Closing c = closing.get();
        CloseReason reason = c != null ? c.reason() : clientDisconnected ? CloseReason.CLIENT_DISCONNECT : CloseReason.CONNECTION_LOST;
        context.stats().closed(reason);
        if (!reason.brokerDecided()) {
            return;
        }
        String detail = c.detail() == null ? "" : " (" + c.detail() + ")";
        switch (reason) {
            // What any client (or a port scanner) can cause: rate-limited, with a count of the lines left out.
            case AUTH_FAILED, BAD_CONNECT, CONNECT_TIMEOUT, MALFORMED_PACKET, PROTOCOL_ERROR, NOT_AUTHORIZED,
                 MAX_CONNECTIONS -> context.violations().warn("{}: connection closed by the broker: {}{}", describe(),
                    reason.text(), detail);
            case SERVER_SHUTTING_DOWN -> LOG.debug("{}: connection closed by the broker: {}", describe(), reason.text());
            case KEEP_ALIVE_TIMEOUT, SESSION_TAKEN_OVER -> LOG.info("{}: connection closed by the broker: {}{}",
                    describe(), reason.text(), detail);
            case INTERNAL_ERROR -> LOG.error("{}: connection closed by the broker after an error{}", describe(), detail);
            default -> LOG.warn("{}: connection closed by the broker: {}{}", describe(), reason.text(), detail);
        }
    }

    @Override
    public void bind(Session s) {
        // Always a task, also on this loop: it must run after the session's CONNACK was written.
        channel.eventLoop().execute(() -> bound(s));
    }

    @Override
    public void refuse(byte reason, String reasonString) {
        channel.eventLoop().execute(() -> {
            if (state == State.CONNECTING && channel.isActive()) {
                refuse(settings.version(), reason, reasonString);
            }
        });
    }

    @Override
    public String describe() {
        SocketAddress remote = channel == null ? null : channel.remoteAddress();
        return "client " + SafeText.of(clientId) + (username == null ? "" : " (user " + SafeText.of(username) + ")")
                + " from " + remote + " on " + listener.name();
    }
}
