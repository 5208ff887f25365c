package io.outpost.mqtt.bridge;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.message.PayloadFormats;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.api.PointCatalog;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.bridge.config.UpstreamsConfig;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.mqtt.internal.bridge.Upstream;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge to cloud brokers: one durable queue and one connection per configured upstream. Each upstream
 * registers a {@link io.outpost.mqtt.api.DurableForwarder} with the local broker, so messages matching its forward
 * rules are on disk before the broker acknowledges them, and leave the disk only once the upstream acknowledged
 * them.
 *
 * <p><b>Lifecycle.</b> Construct, {@link #start()} (opens and recovers every queue, blocking; then connects in the
 * background), {@link #close()} (stops taking messages, disconnects keeping the sessions, flushes the queues).
 * {@link #status()} may be called from any thread at any time.
 */
public final class Bridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);

    private final List<Upstream> upstreams = new ArrayList<>();
    private final EventLoopGroup group;

    /**
     * @param config  the {@code upstreams:} section
     * @param gateway the gateway's identity; queues go under {@code <data-dir>/bridge/<upstream>/}
     * @param broker  the local broker the forwarders register with and reverse rules publish to
     * @param meters  where the upstreams' meters go (tag {@code upstream})
     */
    public Bridge(UpstreamsConfig config, GatewayIdentity gateway, LocalBroker broker, MeterRegistry meters) {
        this(config, gateway, broker, meters, Clock.systemUTC(), RandomGenerator.getDefault());
    }

    /** As above, with the gateway status topic whose remote name carries each upstream's will and birth. */
    public Bridge(UpstreamsConfig config, GatewayIdentity gateway, String gatewayStatusTopic, LocalBroker broker,
                  MeterRegistry meters) {
        this(config, gateway, gatewayStatusTopic, broker, meters, Clock.systemUTC(), RandomGenerator.getDefault());
    }

    /** As above, with the wall clock (queue age, expiry) and the backoff's random source given. */
    public Bridge(UpstreamsConfig config, GatewayIdentity gateway, LocalBroker broker, MeterRegistry meters,
                  Clock clock, RandomGenerator random) {
        this(config, gateway, gateway.site() + "/_status", broker, meters, clock, random);
    }

    /**
     * As above, with the gateway status topic ({@code publish.gateway-status-topic}, expanded): its remote name is
     * where each upstream's will and birth go.
     */
    public Bridge(UpstreamsConfig config, GatewayIdentity gateway, String gatewayStatusTopic, LocalBroker broker,
                  MeterRegistry meters, Clock clock, RandomGenerator random) {
        this.group = new NioEventLoopGroup(Math.min(2, Math.max(1, config.upstreams().size())),
                new DefaultThreadFactory("outpost-uplink-io", true));
        // The formats queued readings are rendered with when sent as published: those the core can name.
        PayloadFormats formats = PayloadFormats.standard();
        for (UpstreamConfig u : config.upstreams()) {
            upstreams.add(new Upstream(u, gateway, gatewayStatusTopic, broker, meters, group, clock, random, formats));
        }
    }

    /**
     * Opens every upstream's queue (recovering it after a crash) and starts connecting.
     *
     * @throws IOException when a queue cannot be opened (its directory is unusable or another process holds it);
     *                     the upstreams started so far are closed again
     */
    public void start() throws IOException {
        List<Upstream> started = new ArrayList<>();
        try {
            for (Upstream u : upstreams) {
                u.start();
                started.add(u);
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(Upstream::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Gives the upstreams the core's devices and points, once the core runs: Sparkplug upstreams describe them in
     * their births (and wait for this to be born). Any thread.
     */
    public void attach(PointCatalog catalog) {
        upstreams.forEach(u -> u.attach(catalog));
    }

    /** A snapshot per upstream, in configuration order (refreshed every second). */
    public List<UpstreamStatus> status() {
        List<UpstreamStatus> out = new ArrayList<>();
        for (Upstream u : upstreams) {
            UpstreamStatus s = u.status();
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    public Optional<UpstreamStatus> status(String upstream) {
        return upstreams.stream().filter(u -> u.name().equals(upstream)).findFirst().map(Upstream::status);
    }

    @Override
    public void close() {
        for (Upstream u : upstreams) {
            try {
                u.close();
            } catch (RuntimeException e) {
                LOG.error("upstream {} did not close cleanly", u.name(), e);
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
