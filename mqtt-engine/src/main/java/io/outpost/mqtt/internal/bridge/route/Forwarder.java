package io.outpost.mqtt.internal.bridge.route;

import io.outpost.core.log.LogThrottle;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageRejectedException;
import io.outpost.core.point.PointRef;
import io.outpost.mqtt.api.DurableForwarder;
import io.outpost.mqtt.bridge.config.ForwardRule;
import io.outpost.mqtt.bridge.config.SparkplugConfig;
import io.outpost.mqtt.bridge.config.TopicRewrite;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.internal.bridge.health.UpstreamMetrics;
import io.outpost.mqtt.internal.bridge.store.AppendBatch;
import io.outpost.mqtt.internal.bridge.store.MessageStore;
import io.outpost.mqtt.internal.bridge.store.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's {@link DurableForwarder}: a message whose topic matches forward rules is given its routes (remote
 * topic, QoS, retain, packing) and appended to the upstream's store; the returned stage completes once it is
 * durable, so the broker acknowledges the publisher (or completes the core's hand-over) only then. A batch of the
 * core (a device's poll) is one append. Messages the bridge itself published from this upstream (reverse rules) are
 * not sent back.
 *
 * <p>The routes of a point's readings are worked out once and remembered by topic, with their index in the store's
 * route table, so a reading costs one lookup here. Called on broker and core threads, concurrently; never blocks.
 * The stage completes on the store's writer thread: dependants must not block it.
 */
public final class Forwarder implements DurableForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** Point topics whose routes are remembered at most; beyond (a reload changed many topics) the memory starts over. */
    private static final int MAX_REMEMBERED = 1 << 20;
    private static final Route[] NO_ROUTES = new Route[0];
    private static final int[] NO_INDEXES = new int[0];

    /**
     * The routes of one topic, with the store class and, for readings, the route table indexes; worked out for the
     * messages of one header (a point's, made once per start of its device) and one point.
     */
    private record Routes(int classIndex, Route[] routes, int[] indexes, MessageHeader header, PointRef point) {
        boolean fits(Message m) {
            return m.header() == header && m.sample().point().equals(point);
        }
    }

    private final UpstreamConfig config;
    private final MessageStore store;
    private final UpstreamMetrics metrics;
    private final String ownOrigin;
    private final LogThrottle throttle = new LogThrottle(TimeUnit.MINUTES.toNanos(1));
    private final ConcurrentHashMap<String, Routes> pointRoutes = new ConcurrentHashMap<>();

    public Forwarder(UpstreamConfig config, MessageStore store, UpstreamMetrics metrics, String ownOrigin) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.ownOrigin = ownOrigin;
    }

    @Override
    public CompletionStage<Void> accept(Message m) {
        if (ownOrigin.equals(m.origin())) {
            return DONE;
        }
        Routes r = routesOf(m);
        if (r.routes.length == 0) {
            return DONE;
        }
        AppendBatch batch = new AppendBatch(r.routes.length);
        for (int i = 0; i < r.routes.length; i++) {
            batch.add(m, r.routes[i], r.classIndex, r.indexes[i]);
        }
        return append(batch, m.topic());
    }

    @Override
    public CompletionStage<Void> acceptBatch(List<Message> messages) {
        AppendBatch batch = null;
        for (Message m : messages) {
            if (ownOrigin.equals(m.origin())) {
                continue;
            }
            Routes r = routesOf(m);
            for (int i = 0; i < r.routes.length; i++) {
                if (batch == null) {
                    batch = new AppendBatch(messages.size() * r.routes.length);
                }
                batch.add(m, r.routes[i], r.classIndex, r.indexes[i]);
            }
        }
        return batch == null ? DONE : append(batch, messages.get(0).topic());
    }

    private CompletableFuture<Void> append(AppendBatch batch, String firstTopic) {
        int count = batch.size();
        return store.append(batch).whenComplete((ok, err) -> {
            if (err == null) {
                metrics.accepted(count);
                return;
            }
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            String reason = cause instanceof MessageRejectedException r ? r.reason() : "store-error";
            metrics.dropped(reason, count);
            warn(reason, "upstream {}: refused {} message(s), the first on {} ({})", count, firstTopic,
                    cause.getMessage());
        });
    }

    /** The routes of a message: remembered for a point's readings, worked out each time for other messages. */
    private Routes routesOf(Message m) {
        if (m.sample() == null) {
            return compute(m);
        }
        Routes r = pointRoutes.get(m.topic());
        if (r == null || !r.fits(m)) {
            // New, or the point was restarted (a reload may have changed its format or RETAIN) or renamed.
            r = compute(m);
            if (pointRoutes.size() >= MAX_REMEMBERED) {
                pointRoutes.clear();
            }
            pointRoutes.put(m.topic(), r);
        }
        return r;
    }

    private Routes compute(Message m) {
        List<Route> routes = null;
        String device = m.sample() == null ? TopicRewrite.NO_DEVICE : m.sample().point().device();
        SparkplugConfig sparkplug = config.uplink().sparkplug();
        for (ForwardRule rule : config.forward()) {
            if (!rule.to().filter().matches(m.topic())) {
                continue;
            }
            if (sparkplug != null && m.sample() == null) {
                // Sparkplug carries metrics only; device status becomes DBIRTH/DDEATH from the point catalogue.
                continue;
            }
            String remote = sparkplug != null ? sparkplug.deviceTopic("DDATA", device) : rule.to().apply(m.topic(), device);
            if (remote == null) {
                warn("invalid-topic", "upstream {}: rule {} turns {} into no valid topic; the message is not forwarded",
                        rule.to(), m.topic(), "");
                metrics.dropped("invalid-topic", 1);
                continue;
            }
            boolean batched = rule.packing() != null && rule.packing().format().batches();
            int qos = sparkplug != null ? sparkplug.dataQos() : rule.qos();
            if (routes == null) {
                routes = new ArrayList<>(1);
            }
            routes.add(new Route(m.topic(), remote, qos, !batched && rule.retain().apply(m.retain()), rule.packing(),
                    m.sample() == null ? null : m.sample().point(), m.format() == null ? null : m.format().name()));
        }
        PointRef point = m.sample() == null ? null : m.sample().point();
        if (routes == null) {
            return new Routes(-1, NO_ROUTES, NO_INDEXES, m.header(), point);
        }
        int[] indexes = new int[routes.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = routes.get(i).isReading() ? store.routeIndex(routes.get(i)) : -1;
        }
        return new Routes(config.store().classOf(m.topic()), routes.toArray(NO_ROUTES), indexes, m.header(), point);
    }

    private void warn(String key, String format, Object a, Object b, Object c) {
        long held = throttle.pass(key, System.nanoTime());
        if (held >= 0) {
            LOG.warn(format + (held > 0 ? " [" + held + " more like this in the last minute]" : ""), config.name(), a,
                    b, c);
        }
    }
}
