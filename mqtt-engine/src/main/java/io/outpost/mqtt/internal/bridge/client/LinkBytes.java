package io.outpost.mqtt.internal.bridge.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes an upstream's connections really moved, counted at the socket: the handler sits first in each
 * connection's pipeline (before TLS), so MQTT headers, topics, payloads, acknowledgements, pings and TLS records
 * and handshakes are all in the figure; TCP/IP headers are not, except those of connection attempts' TCP
 * handshakes (SYN, SYN-ACK, ACK, RST; estimated from the packets TCP sends), which are added by
 * {@link #handshake} and also counted apart: on a metered link, probing a dead path costs bytes too.
 * Written bytes count when the socket took them. Thread-safe.
 */
public final class LinkBytes {

    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder handshakeSent = new LongAdder();
    private final LongAdder handshakeReceived = new LongAdder();
    private final Counter handler = new Counter();

    /** Adds the estimated bytes of a connection attempt's TCP handshake. */
    public void handshake(long sentBytes, long receivedBytes) {
        sent.add(sentBytes);
        received.add(receivedBytes);
        handshakeSent.add(sentBytes);
        handshakeReceived.add(receivedBytes);
    }

    /** Of {@link #sent()}: TCP handshakes of connection attempts (estimated). */
    public long handshakeSent() {
        return handshakeSent.sum();
    }

    public long handshakeReceived() {
        return handshakeReceived.sum();
    }

    /** The handler to put first in a connection's pipeline; shared by all of the upstream's connections. */
    public ChannelHandler handler() {
        return handler;
    }

    public long sent() {
        return sent.sum();
    }

    public long received() {
        return received.sum();
    }

    @ChannelHandler.Sharable
    private final class Counter extends ChannelDuplexHandler {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received.add(size(msg));
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            long n = size(msg);
            if (n > 0) {
                ctx.write(msg, promise.unvoid()).addListener(f -> {
                    if (f.isSuccess()) {
                        sent.add(n);
                    }
                });
            } else {
                ctx.write(msg, promise);
            }
        }

        private static long size(Object msg) {
            if (msg instanceof ByteBuf b) {
                return b.readableBytes();
            }
            return msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
        }
    }
}
