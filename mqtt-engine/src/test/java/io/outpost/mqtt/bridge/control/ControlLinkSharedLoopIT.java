package io.outpost.mqtt.bridge.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamTlsConfig;
import io.outpost.testing.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many control links on one shared thread (the fleet benchmark's thousand gateways in one JVM), against mosquitto. */
class ControlLinkSharedLoopIT {

    @TempDir
    Path dir;

    @Test
    void links_sharing_one_thread_each_work_and_closing_one_leaves_the_thread_to_the_others() throws Exception {
        assumeTrue(Mosquitto.installed(), "mosquitto is not installed (apt-get install mosquitto)");
        ScheduledExecutorService shared = Executors.newSingleThreadScheduledExecutor();
        EventLoopGroup io = new NioEventLoopGroup(1);
        Map<String, String> received = new ConcurrentHashMap<>();
        try (Mosquitto cloud = Mosquitto.start(dir)) {
            List<ServerUri> servers = List.of(ServerUri.parse("mqtt://127.0.0.1:" + cloud.port()));
            ControlLink a = link("a", servers, io, shared, received);
            ControlLink b = link("b", servers, io, shared, received);
            ControlLink c = link("c", servers, io, shared, received);
            a.start();
            b.start();
            c.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> a.isConnected() && b.isConnected() && c.isConnected());

            a.close(false);

            assertThat(shared.isShutdown()).as("the shared thread outlives a closed link").isFalse();
            // The others still work on the shared thread: c publishes to b's topic (MQTT 5: no local delivery).
            c.publish("t/b", "after".getBytes(StandardCharsets.UTF_8), 1, false).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> "after".equals(received.get("t/b")));
            assertThat(b.isConnected()).isTrue();
            b.close(false);
            c.close(false);
        } finally {
            shared.shutdownNow();
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static ControlLink link(String id, List<ServerUri> servers, EventLoopGroup io, ScheduledExecutorService shared,
                                    Map<String, String> received) throws Exception {
        return new ControlLink(ControlSettings.of(id, servers, MqttProtocol.V5, "shared-" + id, null, null,
                UpstreamTlsConfig.DEFAULT), io, shared, List.of("t/" + id), 1, null, new ControlChannel.Listener() {
            @Override
            public void connected(String server) {
            }

            @Override
            public void disconnected(String why) {
            }

            @Override
            public void message(String topic, byte[] payload, boolean retained) {
                received.put(topic, new String(payload, StandardCharsets.UTF_8));
            }
        }, RandomGenerator.getDefault());
    }
}
