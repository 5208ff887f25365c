package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.outpost.mqtt.broker.config.ListenerConfig;
import io.outpost.mqtt.internal.broker.protocol.MqttConnection;
import io.outpost.mqtt.internal.broker.protocol.ProtocolContext;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import io.outpost.testing.FreePorts;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Any bytes from a client, through the broker's own MQTT pipeline (Netty's decoder, the encoder, and
 * {@link MqttConnection} with the running broker's sessions, authentication and ACLs): a connection is answered or
 * closed, and no exception ever escapes the pipeline. Inputs often start with a valid CONNECT (3.1.1 or 5) so that
 * the fuzzer reaches the connected states. Kept inputs:
 * src/test/resources/io/outpost/mqtt/broker/MqttConnectionFuzzTestInputs/.
 *
 * <p>The pipeline is that of {@code ListenerServer} (same handlers, same names), on Netty's in-process transport:
 * MqttConnection hands work to the broker's session loops and back, which an EmbeddedChannel's single-threaded
 * loop must not receive from other threads.
 */
class MqttConnectionFuzzTest {

    private static final TestBroker BROKER;
    private static final EventLoopGroup LOOPS = new DefaultEventLoopGroup(1);
    private static final LocalAddress ADDRESS = new LocalAddress("mqtt-fuzz");
    /** Exceptions that reached the end of a connection's pipeline: none may. */
    private static final BlockingQueue<Throwable> ESCAPED = new LinkedBlockingQueue<>();
    private static final BlockingQueue<Channel> ACCEPTED = new LinkedBlockingQueue<>();

    static {
        try {
            BROKER = TestBroker.start(Files.createTempDirectory("outpost-mqtt-fuzz"), """
                    listeners:
                      - {name: local, type: tcp, bind: 127.0.0.1, port: %d}
                    limits: {max-packet-size: 64KB}
                    acl:
                      - {topic: "public/#"}
                      - {user: admin, topic: "#"}
                    """.formatted(FreePorts.tcp()));
            ProtocolContext context = BROKER.broker.protocolContext();
            ListenerConfig listener = BROKER.config.listeners().get(0);
            int maxPacket = context.limits().maxPacketSize();
            new ServerBootstrap().group(LOOPS).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            ACCEPTED.add(ch);
                            ch.pipeline().addLast("idle", new IdleStateHandler(10_000, 0, 0, TimeUnit.MILLISECONDS));
                            ch.pipeline().addLast("mqtt-decoder", new MqttDecoder(maxPacket, 65_535, true));
                            ch.pipeline().addLast("mqtt-encoder", MqttEncoder.INSTANCE);
                            ch.pipeline().addLast("mqtt", new MqttConnection(context, listener));
                            ch.pipeline().addLast("escaped", new ChannelInboundHandlerAdapter() {
                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ESCAPED.add(cause);
                                }
                            });
                        }
                    }).bind(ADDRESS).syncUninterruptibly();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final byte[] CONNECT_311 = {0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C,
            0x00, 0x04, 'f', 'u', 'z', 'z'};
    private static final byte[] CONNECT_5 = {0x10, 0x11, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
            0x00, 0x00, 0x04, 'f', 'u', 'z', 'z'};

    @FuzzTest
    void anyBytes_areAnsweredOrClosed_andNothingEscapesThePipeline(FuzzedDataProvider data) throws Exception {
        int prefix = data.consumeInt(0, 2);
        List<byte[]> writes = new ArrayList<>();
        if (prefix == 1) {
            writes.add(CONNECT_311);
        } else if (prefix == 2) {
            writes.add(CONNECT_5);
        }
        // The rest in a few writes, so that packets also arrive split and joined.
        while (data.remainingBytes() > 0 && writes.size() < 8) {
            writes.add(data.consumeBytes(data.consumeInt(1, 512)));
        }
        Channel client = new Bootstrap().group(LOOPS).channel(LocalChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(ADDRESS).syncUninterruptibly().channel();
        Channel server = ACCEPTED.poll(10, TimeUnit.SECONDS);
        for (byte[] w : writes) {
            ByteBuf buf = Unpooled.wrappedBuffer(w);
            client.writeAndFlush(buf);
        }
        client.close().syncUninterruptibly();
        assertThat(server).as("accepted").isNotNull();
        assertThat(server.closeFuture().await(10, TimeUnit.SECONDS)).as("the server side closed").isTrue();
        Throwable escaped = ESCAPED.poll();
        if (escaped != null) {
            throw new AssertionError("an exception escaped the MQTT pipeline", escaped);
        }
    }
}
