package io.outpost.mqtt.internal.bridge.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.mqtt.bridge.Bridge;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.testing.Mosquitto;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

/**
 * A bridge on the in-memory local broker with a data directory, as the bridge's tests use it: started from a YAML
 * {@code upstreams:} block, restarted on the same queue, closed at the end. Not thread-safe (one test thread).
 */
public final class BridgeHarness implements AutoCloseable {

    public final InMemoryLocalBroker local = new InMemoryLocalBroker();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Path dataDir;
    private Bridge bridge;

    public BridgeHarness(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** A mosquitto playing the cloud, or the test is skipped (with a message) when mosquitto is not installed. */
    public static Mosquitto cloud(Path dir, String... config) {
        assumeTrue(Mosquitto.installed(), "mosquitto is not installed (Debian package mosquitto); skipping");
        return Mosquitto.start(dir, config);
    }

    /** Starts a bridge from an {@code upstreams:} block (closing the one running, keeping its queue). */
    public Bridge start(String upstreamsYaml) throws IOException {
        stop();
        bridge = new Bridge(BridgeConfigs.upstreams(dataDir, upstreamsYaml), BridgeConfigs.identity(dataDir), local, meters);
        bridge.start();
        return bridge;
    }

    public Bridge bridge() {
        return bridge;
    }

    /** The status of the upstream named {@code cloud}. */
    public UpstreamStatus status() {
        return bridge.status("cloud").orElseThrow();
    }

    public void awaitState(String state) {
        await().atMost(Duration.ofSeconds(30)).until(() -> status().state().equals(state));
    }

    public void awaitConnected() {
        awaitState("connected");
    }

    /** Publishes {@code from..to-1} (the number is the payload) on topics {@code topic + (i % topics)}; waits for all. */
    public void publish(String topic, int topics, long from, long to) {
        List<CompletableFuture<Void>> all = LongStream.range(from, to)
                .mapToObj(i -> local.publish(topic + (i % topics), Long.toString(i), 1).toCompletableFuture()).toList();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    /** Closes the running bridge (its queue stays on disk). */
    public void stop() {
        if (bridge != null) {
            bridge.close();
            bridge = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
