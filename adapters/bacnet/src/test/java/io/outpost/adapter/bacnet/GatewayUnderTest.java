package io.outpost.adapter.bacnet;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.adapter.bacnet.config.BacnetSection;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.message.CommandMessage;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.RecordingSink;
import io.outpost.core.time.ExecutorTaskScheduler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * The real core on real threads and a real clock with the BACnet adapter plugged in, as the gateway runs it,
 * publishing into a recording sink. BACnet peers answer over UDP in their own time, so tests wait for outcomes.
 */
final class GatewayUnderTest implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    final RecordingSink sink = new RecordingSink();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final GatewayConfig config;
    final GatewayRuntime runtime;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
    private final ExecutorService workers = Executors.newFixedThreadPool(2);

    GatewayUnderTest(String yaml) throws ConfigException {
        AdapterCatalog catalog = new AdapterCatalog(List.of(new BacnetAdapterFactory()));
        config = new ConfigLoader(catalog, List.of(new BacnetSection()), PayloadFormats.standard().names(),
                new Interpolator(name -> null)).parse(yaml, Path.of("test.yaml"));
        CoreServices services = new CoreServices(new ExecutorTaskScheduler(timers, Clock.systemUTC()), workers,
                device -> new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1000)),
                meters, RandomGenerator.of("L64X128MixRandom"), () -> { });
        runtime = new GatewayRuntime(config.gateway(), catalog, sink, PayloadFormats.standard(), services,
                GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ZERO);
    }

    GatewayUnderTest start() {
        runtime.start(config);
        return this;
    }

    /** Payloads published on a topic so far. */
    List<String> payloads(String topic) {
        return sink.payloads(topic);
    }

    /** Waits until a payload on {@code topic} matches, and returns it. */
    String awaitPayload(String topic, Predicate<String> match) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> sink.payloads(topic).stream().filter(match).reduce((a, b) -> b).orElse(null),
                        p -> p != null);
    }

    /** Waits until the latest payload on {@code topic} matches, and returns it. */
    String awaitLatest(String topic, Predicate<String> match) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    List<String> all = sink.payloads(topic);
                    return all.isEmpty() ? null : all.get(all.size() - 1);
                }, p -> p != null && match.test(p));
    }

    void command(String topic, String payload) {
        runtime.commands().handle(CommandMessage.of(topic, payload.getBytes(StandardCharsets.UTF_8)));
    }

    double counter(String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        runtime.close();
        timers.shutdownNow();
        workers.shutdownNow();
    }
}
