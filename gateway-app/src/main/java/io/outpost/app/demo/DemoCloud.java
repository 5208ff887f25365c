package io.outpost.app.demo;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.mqtt.MqttEngine;
import io.outpost.mqtt.broker.config.BrokerConfig;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker that plays the cloud in the demo: another instance of our own broker on loopback. An outage stops
 * it (the uplink is gone) and starts it again later on the same port and data, as a real cloud broker keeps its
 * sessions.
 */
public final class DemoCloud implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCloud.class);

    private final BrokerConfig config;
    private MqttEngine engine;

    public DemoCloud(BrokerConfig config) {
        this.config = config;
    }

    public synchronized DemoCloud start() throws IOException {
        if (engine == null) {
            MqttEngine started = new MqttEngine(config, new SimpleMeterRegistry(), Clock.systemUTC());
            started.start();
            engine = started;
        }
        return this;
    }

    /** Takes the "cloud" away, as a dropped satellite link does. */
    public synchronized void outage() {
        if (engine != null) {
            LOG.warn("demo: UPLINK OUTAGE begins: the cloud broker is unreachable; readings queue on disk");
            engine.close();
            engine = null;
        }
    }

    public synchronized void restore() throws IOException {
        if (engine == null) {
            start();
            LOG.warn("demo: uplink restored: the backlog drains to the cloud broker");
        }
    }

    public synchronized boolean up() {
        return engine != null;
    }

    @Override
    public synchronized void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }
}
