package io.outpost.app.fleet;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.bridge.control.ControlChannel;
import io.outpost.mqtt.bridge.control.ControlLink;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud side of the fleet, as the command line uses it: one MQTT connection to the cloud broker, the births and
 * the last configuration results of every gateway (retained, so known a moment after subscribing), and publishing
 * signed configurations. Thread-safe: the maps are concurrent, listeners are called on the link's thread.
 */
public final class FleetClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetClient.class);

    /** A gateway as its birth describes it. */
    public record Birth(String gateway, String state, long configVersion, long highestVersion, String configHash,
                        int devices, int devicesOnline, String software, Map<String, Object> json) {

        static Birth of(String gateway, Map<String, Object> json) {
            Map<String, Object> config = JsonTree.object(json, "config");
            List<Map<String, Object>> devices = JsonTree.objects(json, "devices");
            int online = (int) devices.stream().filter(d -> "online".equals(d.get("state"))).count();
            return new Birth(gateway, JsonTree.string(json, "state"), JsonTree.number(config, "version"),
                    JsonTree.number(config, "highest"), JsonTree.string(config, "hash"), devices.size(), online,
                    JsonTree.string(json, "version"), json);
        }

        public boolean online() {
            return "online".equals(state);
        }
    }

    /** One configuration result of a gateway. */
    public record Result(String gateway, long version, String status, String reason, String detail,
                         List<String> errors) {

        static Result of(String gateway, Map<String, Object> json) {
            List<String> errors = json.get("errors") instanceof List<?> l
                    ? l.stream().map(String::valueOf).toList() : List.of();
            return new Result(gateway, JsonTree.number(json, "version"), JsonTree.string(json, "status"),
                    JsonTree.string(json, "reason"), JsonTree.string(json, "detail"), errors);
        }

        /** No further result follows for this version. */
        public boolean terminal() {
            return status.equals("healthy") || status.equals("rejected") || status.equals("rolled-back");
        }
    }

    private final String prefix;
    private final EventLoopGroup group;
    private final ControlLink link;
    private final CountDownLatch connected = new CountDownLatch(1);
    private final Map<String, Birth> births = new ConcurrentHashMap<>();
    /** Each gateway's expanded prefix, as its birth's topic shows it. */
    private final Map<String, String> prefixes = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Map<String, Object>>> requests = new ConcurrentHashMap<>();
    private final Map<String, Integer> birthCounts = new ConcurrentHashMap<>();
    private final Map<String, Result> lastResults = new ConcurrentHashMap<>();
    private final List<Consumer<Result>> resultListeners = new CopyOnWriteArrayList<>();
    private volatile long lastArrivalNanos = System.nanoTime();

    /** @param prefix the fleet prefix template ({@code outpost/{gateway}/}) */
    public FleetClient(UpstreamConfig settings, String prefix) throws IOException {
        this.prefix = prefix;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("outpost-fleet-cli", true));
        this.link = new ControlLink(settings, group, List.of(FleetTopics.everyGateway(prefix, "birth"),
                FleetTopics.everyGateway(prefix, "config/result"), FleetTopics.everyGateway(prefix, "cmd/result")), null, new ControlChannel.Listener() {
            @Override
            public void connected(String server) {
                connected.countDown();
            }

            @Override
            public void disconnected(String why) {
                LOG.warn("lost the cloud broker: {}", why);
            }

            @Override
            public void message(String topic, byte[] payload, boolean retained) {
                arrived(topic, payload);
            }
        }, RandomGenerator.getDefault());
        link.start();
    }

    /** Waits for the connection, then until births stopped arriving for {@code quiet} (retained ones come at once). */
    public FleetClient awaitInventory(Duration timeout, Duration quiet) throws InterruptedException, IOException {
        if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("could not connect to the cloud broker within " + timeout.toSeconds() + " s");
        }
        // Births are retained, but some brokers do not hand retained messages to wildcard subscriptions: ask.
        link.publish(FleetTopics.discover(prefix), new byte[] {'{', '}'}, 1, false);
        long deadline = System.nanoTime() + timeout.toNanos();
        lastArrivalNanos = System.nanoTime();
        while (System.nanoTime() - lastArrivalNanos < quiet.toNanos() && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
        }
        return this;
    }

    private void arrived(String topic, byte[] payload) {
        lastArrivalNanos = System.nanoTime();
        String gateway = FleetTopics.gatewayOf(prefix, topic);
        if (gateway == null || payload.length == 0) {
            return;
        }
        try {
            Map<String, Object> json = JsonTree.object(payload);
            if (topic.endsWith("/birth")) {
                prefixes.put(gateway, topic.substring(0, topic.length() - "birth".length()));
                births.put(gateway, Birth.of(gateway, json));
                birthCounts.merge(gateway, 1, Integer::sum);
            } else if (topic.endsWith("/cmd/result")) {
                if (json.get("id") instanceof String id) {
                    CompletableFuture<Map<String, Object>> waiting = requests.remove(id);
                    if (waiting != null) {
                        waiting.complete(json);
                    }
                }
            } else if (topic.endsWith("/config/result")) {
                Result r = Result.of(gateway, json);
                lastResults.put(gateway, r);
                resultListeners.forEach(l -> l.accept(r));
            }
        } catch (IOException e) {
            LOG.warn("gateway {} sent a message that is not JSON on {}: {}", gateway, topic, e.getMessage());
        }
    }

    /** The births known, by gateway id (sorted). */
    public Map<String, Birth> births() {
        return new TreeMap<>(births);
    }

    /** How many births of {@code gateway} arrived since the start (each connection of its fleet link sends one). */
    public int birthsReceived(String gateway) {
        return birthCounts.getOrDefault(gateway, 0);
    }

    /** The last configuration result of every gateway that sent one (sorted). */
    public Map<String, Result> results() {
        return new TreeMap<>(lastResults);
    }

    public void onResult(Consumer<Result> listener) {
        resultListeners.add(listener);
    }

    /**
     * Publishes a signed configuration to a gateway's config topic (QoS 1, retained: a gateway that is offline gets
     * it when it comes back). The gateway must have sent a birth (its topics are known from it).
     */
    public CompletionStage<Void> pushConfig(SignedEnvelope envelope) {
        String own = prefixes.get(envelope.gateway());
        if (own == null) {
            throw new IllegalArgumentException("no birth from gateway " + envelope.gateway() + " yet");
        }
        return link.publish(own + "config", envelope.toJson(), 1, true);
    }

    /**
     * Sends a command request to a gateway and completes with its response (the request's {@code id} must be unique;
     * the caller bounds the wait).
     */
    public CompletableFuture<Map<String, Object>> command(String gateway, String id, byte[] request) {
        String own = prefixes.get(gateway);
        if (own == null) {
            throw new IllegalArgumentException("no birth from gateway " + gateway + " yet");
        }
        CompletableFuture<Map<String, Object>> response = new CompletableFuture<>();
        requests.put(id, response);
        link.publish(own + "cmd", request, 1, false).whenComplete((ok, err) -> {
            if (err != null) {
                requests.remove(id);
                response.completeExceptionally(err);
            }
        });
        return response;
    }

    @Override
    public void close() {
        link.close(false);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
