package io.outpost.adapter.opcua;


import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The real core (real threads and clocks) with the OPC UA adapter, configured from YAML, publishing into a
 * {@link RecordingSink}. Topics: {@code t/DEVICE/POINT}, status {@code t/DEVICE/_status}.
 */
final class GatewayUnderTest implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    final RecordingSink sink = new RecordingSink();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final GatewayConfig config;
    final GatewayRuntime runtime;
    private final CoreServices services;

    GatewayUnderTest(Path dir, String devicesYaml) throws ConfigException {
        String yaml = "gateway: {id: gw, site: t, data-dir: " + dir.resolve("data") + "}\n"
                + "publish: {topic: \"t/{device}/{point}\", status-topic: \"t/{device}/_status\"}\n"
                + "devices:\n" + devicesYaml;
        AdapterCatalog catalog = new AdapterCatalog(List.of(new OpcUaAdapterFactory()));
        config = new ConfigLoader(catalog, List.of(), PayloadFormats.standard().names(), new Interpolator(n -> null))
                .parse(yaml, dir.resolve("gateway.yaml"));
        services = CoreServices.production(meters);
        runtime = new GatewayRuntime(config.gateway(), catalog, sink, PayloadFormats.standard(), services,
                GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ZERO);
    }

    GatewayUnderTest start() {
        runtime.start(config);
        return this;
    }

    /**
     * Waits until {@code data/opcua/rejected/} holds exactly one refused certificate and returns it. Only {@code .der}
     * files count: the gateway writes {@code NAME.der.tmp} first and renames it, and a listing may fall in between.
     */
    Path awaitRejectedCertificate() {
        Path rejected = config.gateway().dataDir().resolve("opcua/rejected");
        return org.awaitility.Awaitility.await().atMost(WAIT).until(() -> certificates(rejected), l -> l.size() == 1)
                .get(0);
    }

    private static List<Path> certificates(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".der")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Payload> payloads(String device, String point) {
        return sink.payloads("t/" + device + "/" + point).stream().map(Payload::parse).toList();
    }

    /** Waits until a payload on the point's topic matches, and returns it. */
    Payload await(String device, String point, Predicate<Payload> match) {
        return await(device, point, match, WAIT);
    }

    Payload await(String device, String point, Predicate<Payload> match, Duration timeout) {
        return org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> payloads(device, point).stream().filter(match).reduce((a, b) -> b).orElse(null),
                        p -> p != null);
    }

    Payload latest(String device, String point) {
        List<Payload> all = payloads(device, point);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** The device's status payloads ({@code state}, {@code reason}), oldest first. */
    List<Payload> statuses(String device) {
        return payloads(device, "_status");
    }

    Payload awaitState(String device, String state) {
        return await(device, "_status", p -> state.equals(p.fields().get("state")));
    }

    /** Waits for a status whose reason matches (the first reads may fail with {@code connecting} before it). */
    Payload awaitState(String device, String state, Predicate<String> reason) {
        return await(device, "_status", p -> state.equals(p.fields().get("state"))
                && reason.test(String.valueOf(p.fields().get("reason"))));
    }

    /** Sends a command as if it came from MQTT and waits for its result payload. */
    Payload command(String device, String point, String json) {
        String topic = "t/" + device + "/" + point + "/set";
        runtime.commands().handle(new CommandMessage(topic, json.getBytes(StandardCharsets.UTF_8), null, null, null))
                .toCompletableFuture().join();
        List<String> results = sink.payloads(topic + "/result");
        return Payload.parse(results.get(results.size() - 1));
    }

    @Override
    public void close() throws Exception {
        runtime.close();
        services.resources().close();
    }
}
