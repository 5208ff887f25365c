package io.outpost.mqtt.bridge.route;

import io.outpost.core.message.MessageRejectedException;
import io.outpost.mqtt.api.DurableForwarder;
import io.outpost.mqtt.api.EngineMessage;
import io.outpost.mqtt.bridge.config.ForwardRule;
import io.outpost.mqtt.bridge.config.SparkplugConfig;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.bridge.health.LogThrottle;
import io.outpost.mqtt.bridge.health.UpstreamMetrics;
import io.outpost.mqtt.bridge.store.MessageStore;
import io.outpost.mqtt.bridge.store.QueuedMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's {@link DurableForwarder}: a message whose topic matches forward rules is mapped (remote topic, QoS,
 * retain) and appended to the upstream's store; the returned stage completes once it is durable, so the broker
 * acknowledges the publisher (or completes the core's hand-over) only then. Messages the bridge itself published
 * from this upstream (reverse rules) are not sent back.
 *
 * <p>Called on broker threads; never blocks. The stage completes on the store's writer thread: dependants must not
 * block it.
 */
public final class Forwarder implements DurableForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final UpstreamConfig config;
    private final MessageStore store;
    private final UpstreamMetrics metrics;
    private final Clock clock;
    private final String ownOrigin;
    private final LogThrottle throttle = new LogThrottle(TimeUnit.MINUTES.toNanos(1));

    public Forwarder(UpstreamConfig config, MessageStore store, UpstreamMetrics metrics, Clock clock, String ownOrigin) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.ownOrigin = ownOrigin;
    }

    @Override
    public CompletionStage<Void> accept(EngineMessage m) {
        if (ownOrigin.equals(m.origin())) {
            return DONE;
        }
        List<QueuedMessage> out = null;
        int classIndex = -1;
        long receivedAt = m.receivedAtMillis() > 0 ? m.receivedAtMillis() : clock.millis();
        String device = m.reading() == null ? TopicRewrite.NO_DEVICE : m.reading().sample().point().device();
        SparkplugConfig sparkplug = config.uplink().sparkplug();
        for (ForwardRule rule : config.forward()) {
            if (!rule.to().filter().matches(m.topic())) {
                continue;
            }
            if (sparkplug != null && m.reading() == null) {
                // Sparkplug carries metrics only; device status becomes DBIRTH/DDEATH from the point catalogue.
                continue;
            }
            String remote = sparkplug != null ? sparkplug.deviceTopic("DDATA", device) : rule.to().apply(m.topic(), device);
            if (remote == null) {
                warn("invalid-topic", "upstream {}: rule {} turns {} into no valid topic; the message is not forwarded",
                        rule.to(), m.topic());
                metrics.dropped("invalid-topic", 1);
                continue;
            }
            if (classIndex < 0) {
                classIndex = config.store().classOf(m.topic());
                out = new ArrayList<>(1);
            }
            boolean batched = rule.packing() != null && rule.packing().format().batches();
            int qos = sparkplug != null ? sparkplug.dataQos() : rule.qos();
            out.add(new QueuedMessage(classIndex, remote, m.payload(), qos, !batched && rule.retain().apply(m.retain()),
                    m.userProperties(), m.messageExpirySeconds(), m.contentType(), m.responseTopic(),
                    m.correlationData(), m.payloadFormatUtf8(), receivedAt, m.pointUpdates(), m.reading(),
                    rule.packing(), m.topic()));
        }
        if (out == null) {
            return DONE;
        }
        int count = out.size();
        long bytes = 0;
        for (QueuedMessage q : out) {
            // About what a record takes in the store: enough for the autonomy estimate.
            bytes += q.payload().length + q.topic().length() + 64;
        }
        long size = bytes;
        return store.append(out).whenComplete((ok, err) -> {
            if (err == null) {
                metrics.accepted(count, size);
                return;
            }
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            String reason = cause instanceof MessageRejectedException r ? r.reason() : "store-error";
            metrics.dropped(reason, count);
            warn(reason, "upstream {}: refused a message on {} ({})", m.topic(), cause.getMessage());
        });
    }

    private void warn(String key, String format, Object a, Object b) {
        long held = throttle.pass(key, System.nanoTime());
        if (held >= 0) {
            LOG.warn(format + (held > 0 ? " [" + held + " more like this in the last minute]" : ""), config.name(), a, b);
        }
    }
}
