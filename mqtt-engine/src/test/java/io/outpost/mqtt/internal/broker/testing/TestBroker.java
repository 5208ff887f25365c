package io.outpost.mqtt.internal.broker.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerSection;
import io.outpost.mqtt.internal.broker.Broker;
import io.outpost.mqtt.internal.broker.listener.ListenerServer;
import io.outpost.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A real broker for a test, configured from YAML exactly as users write it (so the {@code broker:} section is
 * exercised too), on free loopback ports, with its data in the test's temporary directory.
 */
public final class TestBroker implements AutoCloseable {

    public final Broker broker;
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final Path dataDir;
    public final BrokerConfig config;

    private TestBroker(BrokerConfig config, Path dataDir, int ioThreads) {
        this.config = config;
        this.dataDir = dataDir;
        this.broker = new Broker(config, meters, Clock.systemUTC(), ioThreads);
    }

    /** One anonymous loopback TCP listener named {@code local} on a free port. */
    public static TestBroker plain(Path dataDir) {
        return start(dataDir, """
                listeners:
                  - {name: local, type: tcp, bind: 127.0.0.1, port: %d}
                """.formatted(FreePorts.tcp()));
    }

    /**
     * A broker with one anonymous loopback TCP listener named {@code local} on a free port and the other keys of a
     * {@code broker:} section given (limits, persistence, ...).
     */
    public static TestBroker local(Path dataDir, String moreKeys) {
        return start(dataDir, "listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: " + FreePorts.tcp() + "}]\n"
                + moreKeys);
    }

    /** A broker from the body of a {@code broker:} section (indented two spaces by this method). */
    public static TestBroker start(Path dataDir, String brokerSection) {
        return start(dataDir, brokerSection, 2);
    }

    public static TestBroker start(Path dataDir, String brokerSection, int ioThreads) {
        TestBroker b = new TestBroker(parse(dataDir, brokerSection), dataDir, ioThreads);
        try {
            b.broker.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }

    /** Parses a broker section as the gateway's loader does; throws with every problem when it is invalid. */
    public static BrokerConfig parse(Path dataDir, String brokerSection) {
        String yaml = "gateway: {id: test-gw, data-dir: " + dataDir + "}\nbroker:\n"
                + brokerSection.indent(2);
        try {
            GatewayConfig config = new ConfigLoader(new AdapterCatalog(List.of()), List.of(new BrokerSection()),
                    PayloadFormats.standard().names(), new Interpolator(name -> null))
                    .parse(yaml, dataDir.resolve("test.yaml"));
            return config.section(BrokerSection.KEY, BrokerConfig.class).orElseThrow();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.problems().toString(), e);
        }
    }

    /** A new broker on the same config and data directory (a restart). */
    public TestBroker restart() {
        close();
        TestBroker b = new TestBroker(config, dataDir, 2);
        try {
            b.broker.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }

    public int port() {
        return port("local");
    }

    public int port(String listener) {
        return broker.listeners().stream().filter(l -> l.config().name().equals(listener))
                .mapToInt(ListenerServer::port).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no listener " + listener));
    }

    @Override
    public void close() {
        broker.close();
    }
}
