package io.outpost.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running gateway: the core's device pollers wired to the message engine. */
final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final CoreServices services;
    private final GatewayRuntime runtime;

    private Gateway(CoreServices services, GatewayRuntime runtime) {
        this.services = services;
        this.runtime = runtime;
    }

    static Gateway start(GatewayConfig config, ConfigFiles files) {
        MeterRegistry meters = new SimpleMeterRegistry();
        CoreServices services = CoreServices.production(meters);
        GatewayRuntime runtime = new GatewayRuntime(config.gateway(), files.adapters(), new LoggingSink(), files.formats(),
                services, GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ofSeconds(1));
        runtime.start(config);
        LOG.info("gateway {} running from {}", config.gateway().id(), config.file());
        return new Gateway(services, runtime);
    }

    GatewayRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        runtime.close();
        try {
            services.resources().close();
        } catch (Exception e) {
            LOG.warn("core threads did not stop cleanly", e);
        }
    }
}
