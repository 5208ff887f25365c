package io.outpost.mqtt.internal.broker.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.outpost.mqtt.internal.broker.stats.BrokerStats;

/** Counts MQTT bytes in and out (after TLS and WebSocket framing are removed) for the statistics. Stateless. */
@Sharable
final class ByteCounter extends ChannelDuplexHandler {

    private final BrokerStats stats;

    ByteCounter(BrokerStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            stats.bytesIn(b.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            stats.bytesOut(b.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
