package io.outpost.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerLimits;
import io.outpost.mqtt.broker.config.ListenerConfig;
import io.outpost.mqtt.broker.config.ListenerType;
import io.outpost.mqtt.broker.config.PersistenceConfig;
import io.outpost.mqtt.internal.broker.testing.Clients;
import io.outpost.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An engine on the caller's event loops (as the gateway runs it): it works there and leaves them to their owner. */
class MqttEngineLoopsIT {

    @TempDir
    Path dir;

    @Test
    void an_engine_on_the_callers_loops_runs_its_sessions_there_and_leaves_them_running_when_it_closes()
            throws Exception {
        EventLoopGroup loops = new NioEventLoopGroup(1, new DefaultThreadFactory("test-broker-loops", true));
        try {
            int port = FreePorts.tcp();
            BrokerConfig config = new BrokerConfig(
                    List.of(new ListenerConfig("local", ListenerType.TCP, "127.0.0.1", port, null, null, true)), null,
                    null, BrokerLimits.DEFAULT, new PersistenceConfig(false, dir, Duration.ofSeconds(10)),
                    Duration.ofSeconds(10));
            List<String> deliveredOn = new CopyOnWriteArrayList<>();
            MqttEngine engine = new MqttEngine(config, new SimpleMeterRegistry(), Clock.systemUTC(), loops);
            try {
                engine.start();
                assertThat(engine.listenerPorts()).containsExactly(port);
                LocalBroker.LocalSubscription sub = engine.localBroker().subscribe("site/#", 1,
                        m -> deliveredOn.add(Thread.currentThread().getName()));
                Mqtt5BlockingClient client = Clients.v5(port, "publisher");
                client.publishWith().topic("site/level").qos(MqttQos.AT_LEAST_ONCE)
                        .payload("1.5".getBytes(StandardCharsets.UTF_8)).send();
                client.disconnect();
                await().atMost(Duration.ofSeconds(10)).until(() -> !deliveredOn.isEmpty());
                assertThat(deliveredOn).allMatch(name -> name.startsWith("test-broker-loops"));
                sub.close();
            } finally {
                engine.close();
            }

            assertThat(loops.isShuttingDown()).isFalse();
            assertThat(loops.submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
