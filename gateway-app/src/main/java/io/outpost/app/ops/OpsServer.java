package io.outpost.app.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint: {@code /health} (200 healthy, 503 stalled), {@code /metrics} (Prometheus text),
 * {@code /api/...} (JSON) and the web console at {@code /}. Loopback by default; optional basic auth and TLS. Runs
 * on one Netty event loop, its own or one the gateway's low-traffic control planes share (never the broker's or
 * the bridge's: a large response is rendered on the loop); every response is computed from snapshots, so it never
 * blocks the pipeline.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final String CONSOLE = "/console/index.html";
    /** Where the console acknowledges and shelves alarms (POST, form-encoded: point, action, alarm, for, comment). */
    static final String ACT = "/api/alarms/act";
    /**
     * The header a console request must carry to act: a page on another site cannot send it without a CORS
     * preflight, which this server never answers, so a link or form elsewhere cannot make a logged-in browser act.
     */
    static final String CONSOLE_HEADER = "X-Outpost-Console";

    private final OpsConfig config;
    private final JsonApi api;
    private final HealthMonitor health;
    private final PrometheusMeterRegistry prometheus;
    private final MetricsHistory history;
    private final ConsoleLogic logic;
    private final byte[] console;
    private final HostAllowList hosts;
    private final Map<String, String> securityHeaders;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    /** The accepted connections: closing the server closes them, as the loops may outlive it. */
    private final ChannelGroup connections = new DefaultChannelGroup("ops-connections", GlobalEventExecutor.INSTANCE);
    private Channel channel;
    private ScheduledFuture<?> sampling;

    public OpsServer(OpsConfig config, JsonApi api, HealthMonitor health, PrometheusMeterRegistry prometheus,
                     MetricsHistory history) {
        this(config, api, health, prometheus, history, ConsoleLogic.none());
    }

    /** @param logic the alarms and trends the console shows and acts on */
    public OpsServer(OpsConfig config, JsonApi api, HealthMonitor health, PrometheusMeterRegistry prometheus,
                     MetricsHistory history, ConsoleLogic logic) {
        this(config, api, health, prometheus, history, logic,
                new NioEventLoopGroup(1, io.outpost.core.runtime.CoreServices.named("outpost-http-", true)), true);
    }

    /**
     * A server on the caller's event loops (the gateway's control loops): connections and the history's sampling run
     * there. The caller owns the group and shuts it down after {@link #close()}.
     */
    public OpsServer(OpsConfig config, JsonApi api, HealthMonitor health, PrometheusMeterRegistry prometheus,
                     MetricsHistory history, ConsoleLogic logic, EventLoopGroup loops) {
        this(config, api, health, prometheus, history, logic, loops, false);
    }

    private OpsServer(OpsConfig config, JsonApi api, HealthMonitor health, PrometheusMeterRegistry prometheus,
                      MetricsHistory history, ConsoleLogic logic, EventLoopGroup group, boolean ownsGroup) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.logic = logic;
        this.config = config;
        this.api = api;
        this.health = health;
        this.prometheus = prometheus;
        this.history = history;
        this.console = resource(CONSOLE);
        this.hosts = new HostAllowList(config.allowedHosts());
        this.securityHeaders = SecurityHeaders.forConsole(new String(console, StandardCharsets.UTF_8),
                config.tlsCert() != null);
    }

    public OpsServer start() throws InterruptedException, SSLException {
        SslContext ssl = config.tlsCert() == null ? null
                : SslContextBuilder.forServer(config.tlsCert().toFile(), config.tlsKey().toFile()).build();
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new ReadTimeoutHandler(60, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(16 * 1024))
                                .addLast(new Handler());
                    }
                })
                .bind(config.bind(), config.port()).sync().channel();
        sampling = group.next().scheduleAtFixedRate(() -> history.sample(System.currentTimeMillis()), 0,
                MetricsHistory.PERIOD_SECONDS, TimeUnit.SECONDS);
        LOG.info("operations endpoint on {}://{}:{}/ (health, metrics, console)", ssl == null ? "http" : "https",
                config.bind(), port());
        return this;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (sampling != null) {
            sampling.cancel(false);
        }
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        } else {
            connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response;
            if (!request.decoderResult().isSuccess()) {
                response = text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
            } else if (!hosts.allows(request.headers().get(HttpHeaderNames.HOST))) {
                // Before authentication: a rebinding page must learn nothing, not even that a password is asked.
                response = text(HttpResponseStatus.MISDIRECTED_REQUEST, "this host name is not served here; an "
                        + "operator can add it to http.allowed-hosts\n");
            } else if (!authorized(request)) {
                response = text(HttpResponseStatus.UNAUTHORIZED, "authentication required\n");
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"outpost\", charset=\"UTF-8\"");
            } else if (HttpMethod.POST.equals(request.method()) && ACT.equals(new QueryStringDecoder(request.uri()).path())) {
                response = act(ctx, request);
            } else if (!HttpMethod.GET.equals(request.method())) {
                response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n");
            } else {
                response = route(new QueryStringDecoder(request.uri()));
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setContentLength(response, response.content().readableBytes());
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            securityHeaders.forEach((name, value) -> response.headers().set(name, value));
            if (keepAlive) {
                HttpUtil.setKeepAlive(response, true);
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("operations connection closed: {}", cause.toString());
            ctx.close();
        }
    }

    private FullHttpResponse route(QueryStringDecoder uri) {
        switch (uri.path()) {
            case "/":
            case "/index.html":
                return bytes(HttpResponseStatus.OK, "text/html; charset=utf-8", console);
            case "/health": {
                HealthMonitor.Report report = health.report();
                return bytes(report.healthy() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "application/json", api.health(report));
            }
            case "/metrics":
                return bytes(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                        prometheus.scrape().getBytes(StandardCharsets.UTF_8));
            case "/api/overview":
                return json(api.overview());
            case "/api/devices":
                return json(api.devices());
            case "/api/points":
                return json(api.points(uri.parameters().getOrDefault("q", java.util.List.of("")).get(0)));
            case "/api/upstreams":
                return json(api.upstreams());
            case "/api/history":
                return json(api.history());
            case "/api/events":
                return json(api.events());
            case "/api/alarms":
                return json(logic.alarmList());
            case "/api/trend":
                return json(logic.trend(uri.parameters().getOrDefault("point", java.util.List.of("")).get(0),
                        uri.parameters().getOrDefault("window", java.util.List.of("hour")).get(0)));
            default:
                return text(HttpResponseStatus.NOT_FOUND, "not found\n");
        }
    }

    private FullHttpResponse act(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.headers().get(CONSOLE_HEADER) == null) {
            return text(HttpResponseStatus.FORBIDDEN, "actions need the console's " + CONSOLE_HEADER + " header\n");
        }
        String body = request.content().toString(StandardCharsets.UTF_8);
        Map<String, String> form = new java.util.HashMap<>();
        new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters()
                .forEach((k, v) -> form.put(k, v.isEmpty() ? "" : v.get(0)));
        String remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        ConsoleLogic.Outcome outcome = logic.act(config.requiresAuth() ? config.username() : null, remote, form);
        return bytes(HttpResponseStatus.valueOf(outcome.status()), "application/json", outcome.body());
    }

    private boolean authorized(FullHttpRequest request) {
        if (!config.requiresAuth()) {
            return true;
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] expected = (config.username() + ":" + config.password().reveal()).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected);
    }

    private static FullHttpResponse json(byte[] body) {
        return bytes(HttpResponseStatus.OK, "application/json", body);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return bytes(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse bytes(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return r;
    }

    private static byte[] resource(String path) {
        try (InputStream in = OpsServer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + path, e);
        }
    }
}
