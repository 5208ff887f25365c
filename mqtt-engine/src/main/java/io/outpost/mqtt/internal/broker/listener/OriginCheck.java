package io.outpost.mqtt.internal.broker.listener;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.outpost.core.log.SafeText;
import io.outpost.mqtt.broker.config.ListenerConfig;
import io.outpost.mqtt.broker.config.OriginRules;
import io.outpost.mqtt.internal.broker.protocol.RateLimitedLog;
import io.outpost.mqtt.internal.broker.stats.BrokerStats;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Refuses a WebSocket handshake whose {@code Origin} the listener's {@code allowed-origins} does not allow, with
 * HTTP 403, before the WebSocket handler sees it: a browser lets any web page open a WebSocket to any address, so a
 * page the operator happens to visit could otherwise publish commands to the gateway. A handshake without an Origin
 * (a program, not a browser) passes. Stateless; one instance per listener, shared by its connections.
 */
@io.netty.channel.ChannelHandler.Sharable
final class OriginCheck extends ChannelInboundHandlerAdapter {

    private final ListenerConfig listener;
    private final Predicate<String> sameHost;
    private final BrokerStats stats;
    private final RateLimitedLog log;

    OriginCheck(ListenerConfig listener, Predicate<String> sameHost, BrokerStats stats, RateLimitedLog log) {
        this.listener = listener;
        this.sameHost = sameHost;
        this.stats = stats;
        this.log = log;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request) {
            String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            if (!OriginRules.allows(listener.allowedOrigins(), origin, sameHost)) {
                ReferenceCountUtil.release(request);
                stats.originRefused();
                log.warn("listener {}: refused a WebSocket connection from {}: Origin {} is not in allowed-origins {}",
                        listener.name(), ctx.channel().remoteAddress(), SafeText.of(origin), listener.allowedOrigins());
                FullHttpResponse forbidden = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.FORBIDDEN, Unpooled.copiedBuffer("origin not allowed\n", StandardCharsets.UTF_8));
                forbidden.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                forbidden.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, forbidden.content().readableBytes());
                ctx.writeAndFlush(forbidden).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
