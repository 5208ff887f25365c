package io.outpost.core.testing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.spi.AdapterFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;

/**
 * The whole core on a manual clock: config text in, messages out, with the test adapter steering devices.
 * Everything runs on the test thread.
 */
public final class CoreHarness implements AutoCloseable {

    public final ManualScheduler scheduler = new ManualScheduler();
    public final RecordingSink sink = new RecordingSink();
    public final TestAdapterFactory adapters = new TestAdapterFactory();
    public final MeterRegistry meters;
    public final GatewayConfig config;
    public final GatewayRuntime runtime;

    public CoreHarness(String yaml) throws ConfigException {
        this(yaml, seededRandom(), GatewayRuntime.DEFAULT_MAX_PENDING);
    }

    public CoreHarness(String yaml, RandomGenerator random, long maxPending) throws ConfigException {
        this(yaml, random, maxPending, new SimpleMeterRegistry());
    }

    public CoreHarness(String yaml, RandomGenerator random, long maxPending, MeterRegistry meters) throws ConfigException {
        this(yaml, random, maxPending, meters, List.of());
    }

    /** With more adapters beside the test adapter (the {@code logic} protocol of computed points). */
    public CoreHarness(String yaml, List<AdapterFactory<?, ?>> more) throws ConfigException {
        this(yaml, seededRandom(), GatewayRuntime.DEFAULT_MAX_PENDING, new SimpleMeterRegistry(), more);
    }

    private CoreHarness(String yaml, RandomGenerator random, long maxPending, MeterRegistry meters,
                        List<AdapterFactory<?, ?>> more) throws ConfigException {
        this.meters = meters;
        List<AdapterFactory<?, ?>> factories = new java.util.ArrayList<>(more);
        factories.add(adapters);
        AdapterCatalog catalog = new AdapterCatalog(factories);
        config = new ConfigLoader(catalog, List.of(), PayloadFormats.standard().names(), new Interpolator(name -> null))
                .parse(yaml, Path.of("test.yaml"));
        CoreServices services = new CoreServices(scheduler, Runnable::run, this::directIo, meters, random, () -> { });
        runtime = new GatewayRuntime(config.gateway(), catalog, sink, PayloadFormats.standard(), services, maxPending,
                Duration.ZERO);
    }

    private ExecutorService directIo(String device) {
        return Executors.newSingleThreadExecutor();
    }

    /** Starts the devices; their first poll runs on the first {@link #advance}. */
    /** The same jitter on every run, so that a test's timings are repeatable. */
    public static RandomGenerator seededRandom() {
        return java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(42L);
    }

    public CoreHarness start() {
        runtime.start(config);
        return this;
    }

    public TestAdapter device(String id) {
        return adapters.adapter(id);
    }

    public void advance(Duration d) {
        scheduler.advance(d);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
