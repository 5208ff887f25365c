package io.outpost.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.mqtt.MqttEngine;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerLimits;
import io.outpost.mqtt.broker.config.ListenerConfig;
import io.outpost.mqtt.broker.config.ListenerType;
import io.outpost.mqtt.broker.config.PersistenceConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Runs Outpost's broker alone for benchmarks: one anonymous loopback TCP listener, default limits, persistence in
 * the given folder. Stops on SIGTERM.
 *
 * <pre>java -cp ... io.outpost.bench.BrokerServer PORT DATA_DIR</pre>
 */
public final class BrokerServer {

    private BrokerServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args.length > 1 ? args[1] : "target/bench-broker");
        BrokerConfig config = new BrokerConfig(
                List.of(new ListenerConfig("bench", ListenerType.TCP, "127.0.0.1", port, null, null, true)), null, null,
                BrokerLimits.DEFAULT, new PersistenceConfig(true, data, Duration.ofSeconds(10)), Duration.ofSeconds(10));
        MqttEngine broker = new MqttEngine(config, new SimpleMeterRegistry(), Clock.systemUTC());
        broker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "bench-broker-stop"));
        System.out.println("LISTENING " + port);
        System.out.flush();
        Thread.currentThread().join();
    }
}
