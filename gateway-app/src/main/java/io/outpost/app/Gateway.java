package io.outpost.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.mqtt.MqttEngine;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerSection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running gateway: the MQTT engine (built-in broker) and the core's device pollers publishing into it. */
final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final CoreServices services;
    private final MqttEngine engine;
    private final GatewayRuntime runtime;

    private Gateway(CoreServices services, MqttEngine engine, GatewayRuntime runtime) {
        this.services = services;
        this.engine = engine;
        this.runtime = runtime;
    }

    /**
     * Starts the engine (its listeners bind here, so a port in use fails the start), then the core with the engine
     * as its sink, then routes command topics back to the core.
     *
     * @param meters where every part registers its metrics (the ops endpoint serves this registry)
     */
    static Gateway start(GatewayConfig config, ConfigFiles files, MeterRegistry meters) throws IOException {
        BrokerConfig brokerConfig = config.section(BrokerSection.KEY, BrokerConfig.class)
                .orElseGet(() -> BrokerConfig.defaults(config.gateway().dataDir()));
        MqttEngine engine = new MqttEngine(brokerConfig, meters, Clock.systemUTC());
        engine.start();
        CoreServices services = CoreServices.production(meters);
        GatewayRuntime runtime = new GatewayRuntime(config.gateway(), files.adapters(), engine, files.formats(),
                services, GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ofSeconds(1));
        Gateway gateway = new Gateway(services, engine, runtime);
        try {
            runtime.start(config);
            engine.routeCommands(runtime.commands());
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        LOG.info("gateway {} running from {}", config.gateway().id(), config.file());
        return gateway;
    }

    GatewayRuntime runtime() {
        return runtime;
    }

    MqttEngine engine() {
        return engine;
    }

    /** Stops polling first, then the broker (which saves its state), then the core's threads. */
    @Override
    public void close() {
        runtime.close();
        engine.close();
        try {
            services.resources().close();
        } catch (Exception e) {
            LOG.warn("core threads did not stop cleanly", e);
        }
    }
}
