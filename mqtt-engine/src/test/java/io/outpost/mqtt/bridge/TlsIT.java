package io.outpost.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.Mapping;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.mqtt.internal.bridge.testing.TestCertificates;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS to the cloud: mutual TLS with mosquitto (certificates made in the test), trust, SNI and ALPN as AWS IoT needs. */
class TlsIT {

    @TempDir
    Path dir;

    private TestCertificates pki;
    private BridgeHarness h;

    @BeforeEach
    void makeCertificates() throws Exception {
        assumeTrue(TestCertificates.opensslInstalled(), "openssl is not installed (Debian package openssl); skipping");
        h = new BridgeHarness(dir.resolve("data"));
        // mosquitto started as root drops to its own user, which must be able to read the files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        pki = TestCertificates.create(dir.resolve("pki"));
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void startBridge(int port, String tls) throws Exception {
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtts://127.0.0.1:%d"]
                    connect-timeout: 5s
                    backoff: {initial: 200ms, max: 1s}
                    tls: %s
                    forward:
                      - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                """.formatted(port, tls));
    }

    private String state() {
        return h.status().state();
    }

    @ParameterizedTest(name = "client key {0}")
    @ValueSource(strings = {"client.key", "client-pkcs1.key"})
    void mutual_tls_to_mosquitto_connects_and_delivers(String key) throws Exception {
        int plainPort = FreePorts.tcp();
        String[] config = Stream.concat(Stream.of(pki.mosquittoMutualTls()), Stream.of("listener " + plainPort + " 127.0.0.1"))
                .toArray(String[]::new);
        try (Mosquitto cloud = BridgeHarness.cloud(dir.resolve("cloud"), config);
             CloudClient sub = connectWhenListening(plainPort).subscribe("sites/#", 1)) {
            startBridge(cloud.port(), "{ca: \"%s\", cert: \"%s\", key: \"%s\"}".formatted(pki.file("ca.pem"),
                    pki.file("client.pem"), pki.file(key)));
            await().atMost(Duration.ofSeconds(20)).until(() -> state().equals("connected"));

            h.local.publish("north-field/level", "4.2", 1).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(sub.awaitCount(1, Duration.ofSeconds(10))).extracting(CloudClient.Received::payload).containsExactly("4.2");
        }
    }

    /** mosquitto answers on its first listener before its second one is open: wait for the second too. */
    private static CloudClient connectWhenListening(int port) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return s.isConnected();
            }
        });
        return CloudClient.connect(port);
    }

    @Test
    void a_server_whose_certificate_another_ca_signed_is_refused() throws Exception {
        try (Mosquitto cloud = BridgeHarness.cloud(dir.resolve("cloud"), pki.mosquittoMutualTls())) {
            startBridge(cloud.port(), "{ca: \"%s\", cert: \"%s\", key: \"%s\"}".formatted(pki.file("other-ca.pem"),
                    pki.file("client.pem"), pki.file("client.key")));
            await().atMost(Duration.ofSeconds(20)).until(() -> h.status().lastError().contains("certif")
                    || h.status().lastError().contains("PKIX"));
            assertThat(state()).isNotEqualTo("connected");
        }
    }

    @Test
    void without_a_client_certificate_mosquitto_refuses_the_bridge() throws Exception {
        try (Mosquitto cloud = BridgeHarness.cloud(dir.resolve("cloud"), pki.mosquittoMutualTls())) {
            startBridge(cloud.port(), "{ca: \"%s\"}".formatted(pki.file("ca.pem")));
            await().atMost(Duration.ofSeconds(20)).until(() -> !h.status().lastError().isEmpty());
            assertThat(state()).isNotEqualTo("connected");
        }
    }

    @Test
    void sni_and_alpn_are_offered_as_configured_for_aws_iot_on_port_443() throws Exception {
        CompletableFuture<String> sni = new CompletableFuture<>();
        CompletableFuture<String> alpn = new CompletableFuture<>();
        SslContext server = SslContextBuilder.forServer(pki.file("server.pem").toFile(), pki.file("server.key").toFile())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "x-amzn-mqtt-ca"))
                .build();
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Mapping<String, SslContext> byName = name -> {
                sni.complete(name);
                return server;
            };
            Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new SniHandler(byName), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                                        alpn.complete(ctx.pipeline().get(SslHandler.class).applicationProtocol());
                                        ctx.close();
                                    }
                                }
                            });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) ch.localAddress()).getPort();

            startBridge(port, "{ca: \"%s\", sni: iot.example.com, alpn: [x-amzn-mqtt-ca]}".formatted(pki.file("ca.pem")));

            assertThat(sni.get(20, TimeUnit.SECONDS)).isEqualTo("iot.example.com");
            assertThat(alpn.get(20, TimeUnit.SECONDS)).isEqualTo("x-amzn-mqtt-ca");
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
