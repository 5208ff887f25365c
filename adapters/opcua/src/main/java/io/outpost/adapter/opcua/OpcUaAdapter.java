package io.outpost.adapter.opcua;

import io.micrometer.core.instrument.Gauge;
import io.outpost.adapter.opcua.config.OpcUaDeviceSettings;
import io.outpost.adapter.opcua.config.OpcUaPointSettings;
import io.outpost.adapter.opcua.config.PointMode;
import io.outpost.adapter.opcua.config.SecurityPolicyName;
import io.outpost.adapter.opcua.connection.ClientFactory;
import io.outpost.adapter.opcua.connection.ConnectionListener;
import io.outpost.adapter.opcua.connection.FailureReasons;
import io.outpost.adapter.opcua.connection.OpcUaConnection;
import io.outpost.adapter.opcua.data.DataValueSamples;
import io.outpost.adapter.opcua.data.StatusNames;
import io.outpost.adapter.opcua.data.UnsupportedValueException;
import io.outpost.adapter.opcua.data.WriteVariants;
import io.outpost.adapter.opcua.node.NodeResolver;
import io.outpost.adapter.opcua.node.NodeTypes;
import io.outpost.adapter.opcua.node.Resolution;
import io.outpost.adapter.opcua.security.OpcUaPki;
import io.outpost.adapter.opcua.subscription.PointSink;
import io.outpost.adapter.opcua.subscription.SubscriptionSet;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.DeviceAdapter;
import io.outpost.core.spi.DeviceException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OPC UA server as a device. Subscribed points come from one subscription and are pushed to the core; polled
 * points are read by the core in batches, one Read service call each (split only where the server's operation
 * limits demand it). Writes convert the value to the node's own data type. The session is kept up by
 * {@link OpcUaConnection}; after every new session the points' node ids are resolved again and the subscription
 * is transferred or re-created.
 *
 * <p>Threads: the core calls {@link #read} and {@link #write} (non-blocking, async Milo calls); session events
 * arrive on Milo's threads and hand blocking work to the device's IO executor.
 */
final class OpcUaAdapter implements DeviceAdapter, ConnectionListener, PointSink {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaAdapter.class);
    /** Nodes per Read when the server states no limit. */
    static final int DEFAULT_NODES_PER_READ = 1_000;

    private final DeviceConfig device;
    private final AdapterContext context;
    private final OpcUaDeviceSettings settings;
    private final List<PointConfig> polled;
    private final SubscriptionSet subscriptions;
    private final NodeResolver resolver;
    private final NodeTypes types = new NodeTypes();

    private OpcUaConnection connection;
    private Gauge itemsGauge;
    private volatile Resolution resolution;
    private volatile int nodesPerRead = DEFAULT_NODES_PER_READ;
    private volatile boolean closed;

    OpcUaAdapter(DeviceConfig device, AdapterContext context) {
        this.device = device;
        this.context = context;
        this.settings = device.settings(OpcUaDeviceSettings.class);
        List<PointConfig> subscribed = new ArrayList<>();
        List<PointConfig> others = new ArrayList<>();
        for (PointConfig p : device.points()) {
            (p.settings(OpcUaPointSettings.class).mode() == PointMode.SUBSCRIBE ? subscribed : others).add(p);
        }
        this.polled = List.copyOf(others);
        this.resolver = new NodeResolver(device.id());
        this.subscriptions = new SubscriptionSet(device.id(), subscribed,
                settings.effectivePublishingInterval(device.pollInterval()), settings.keepAliveInterval(),
                settings.sessionTimeout(), this, this::resubscribe, () -> connection.activeClient() != null,
                context.scheduler().clock());
    }

    @Override
    public void start() {
        Path folder = OpcUaPki.folderOf(context.gateway().dataDir());
        OpcUaPki pki = context.shared("opcua-pki:" + folder, OpcUaPki.class,
                () -> new OpcUaPki(folder, context.gateway().id()));
        ClientFactory factory = new ClientFactory(settings, pki, context.gateway().id(), device.id(), context.ioExecutor());
        connection = new OpcUaConnection(device.id(), settings, factory, context.scheduler(), context.ioExecutor(),
                device.backoff(), this, context::reportStatus, context.meters());
        itemsGauge = Gauge.builder("outpost.opcua.monitored.items", subscriptions, SubscriptionSet::itemCount)
                .tag("device", device.id()).description("monitored items of the device's subscription")
                .register(context.meters());
        if (settings.securityPolicy() == SecurityPolicyName.NONE
                && !isLoopback(settings.endpoint())) {
            LOG.warn("device {}: security-policy none: traffic to {} is neither signed nor encrypted", device.id(),
                    settings.endpoint());
        }
        subscriptions.claimPoints();
        connection.start();
    }

    // ------------------------------------------------------------------ session events (Milo threads)

    @Override
    public void sessionActive(OpcUaClient client) {
        resolution = null;
        runOnIo(() -> prepareSession(client));
    }

    @Override
    public void sessionLost(String reason) {
        subscriptions.markLost(reason);
    }

    private void prepareSession(OpcUaClient client) {
        if (closed || connection.activeClient() != client) {
            return;
        }
        types.clear();
        try {
            nodesPerRead = client.getOperationLimits().maxNodesPerRead()
                    .map(l -> l.intValue() > 0 ? l.intValue() : DEFAULT_NODES_PER_READ).orElse(DEFAULT_NODES_PER_READ);
        } catch (UaException e) {
            LOG.debug("device {}: the server states no operation limits ({}); reading up to {} nodes per call",
                    device.id(), StatusNames.of(e.getStatusCode()), DEFAULT_NODES_PER_READ);
        }
        try {
            Resolution r = resolver.resolve(client, device.points());
            resolution = r;
            subscriptions.ensure(client, r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void resubscribe(boolean recreate) {
        runOnIo(() -> {
            OpcUaClient client = connection.activeClient();
            Resolution r = resolution;
            if (closed || client == null || r == null) {
                return;
            }
            if (recreate) {
                subscriptions.recreate(client, r);
            } else {
                subscriptions.ensure(client, r);
            }
        });
    }

    private void runOnIo(Runnable task) {
        try {
            context.ioExecutor().execute(task);
        } catch (RejectedExecutionException e) {
            if (!closed) {
                LOG.error("device {}: the IO queue is full; session work dropped", device.id(), e);
            }
        }
    }

    // ------------------------------------------------------------------ PointSink (subscription threads)

    @Override
    public void push(Sample sample) {
        context.push(sample);
    }

    @Override
    public void setPushed(String pointId, boolean pushed) {
        context.setPushed(pointId, pushed);
    }

    @Override
    public void activity() {
        OpcUaConnection c = connection;
        if (c != null) {
            c.activity();
        }
    }

    // ------------------------------------------------------------------ reads and writes (core threads)

    @Override
    public CompletionStage<List<Sample>> read(List<PointConfig> points) {
        OpcUaClient client = connection.activeClient();
        Resolution r = resolution;
        if (client == null) {
            return CompletableFuture.failedFuture(new DeviceException(connection.lastReason(),
                    "no session with " + settings.endpoint()));
        }
        if (r == null) {
            return CompletableFuture.failedFuture(new DeviceException("starting",
                    "the session is new and its nodes are being resolved"));
        }
        long now = context.scheduler().clock().millis();
        List<Sample> out = new ArrayList<>(points.size());
        List<PointConfig> targets = new ArrayList<>(points.size());
        List<ReadValueId> ids = new ArrayList<>(points.size());
        for (PointConfig p : points) {
            r.node(p.id()).ifPresentOrElse(node -> {
                targets.add(p);
                ids.add(new ReadValueId(node, AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE));
            }, () -> out.add(Sample.bad(p.ref(), r.failure(p.id()), now)));
        }
        List<CompletableFuture<List<Sample>>> calls = new ArrayList<>();
        int chunk = Math.max(1, nodesPerRead);
        for (int from = 0; from < ids.size(); from += chunk) {
            int to = Math.min(ids.size(), from + chunk);
            calls.add(readChunk(client, targets.subList(from, to), ids.subList(from, to)));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            calls.forEach(c -> out.addAll(c.join()));
            return out;
        });
    }

    private CompletableFuture<List<Sample>> readChunk(OpcUaClient client, List<PointConfig> targets,
                                                      List<ReadValueId> ids) {
        return client.readAsync(0.0, TimestampsToReturn.Both, List.copyOf(ids))
                .orTimeout(device.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    if (error != null) {
                        throw new CompletionException(new DeviceException(FailureReasons.of(error),
                                "read failed: " + FailureReasons.describe(error), FailureReasons.unwrap(error)));
                    }
                    activity();
                    DataValue[] results = response.getResults();
                    long now = context.scheduler().clock().millis();
                    List<Sample> samples = new ArrayList<>(targets.size());
                    for (int i = 0; i < targets.size(); i++) {
                        PointConfig p = targets.get(i);
                        samples.add(results != null && i < results.length
                                ? DataValueSamples.toSample(p.ref(), results[i], now)
                                : Sample.bad(p.ref(), "no-data", now));
                    }
                    return samples;
                });
    }

    @Override
    public CompletionStage<Void> write(PointConfig point, Value value) {
        OpcUaClient client = connection.activeClient();
        Resolution r = resolution;
        if (client == null || r == null) {
            return CompletableFuture.failedFuture(new DeviceException(client == null ? connection.lastReason()
                    : "starting", "no session with " + settings.endpoint()));
        }
        NodeId node = r.node(point.id()).orElse(null);
        if (node == null) {
            return CompletableFuture.failedFuture(new DeviceException(r.failure(point.id()),
                    "point " + point.id() + " has no node on the server"));
        }
        return types.typeOf(client, node).thenCompose(type -> {
            Variant variant;
            try {
                variant = WriteVariants.toVariant(value, type);
            } catch (UnsupportedValueException e) {
                throw new CompletionException(new DeviceException(e.reason(), e.getMessage()));
            }
            return client.writeValuesAsync(List.of(node), List.of(DataValue.valueOnly(variant)));
        }).thenAccept(statuses -> {
            StatusCode status = statuses.isEmpty() ? StatusCode.BAD : statuses.get(0);
            if (!status.isGood()) {
                throw new CompletionException(new DeviceException(StatusNames.of(status), "the server refused to "
                        + "write " + value + " to " + node.toParseableString()));
            }
        }).exceptionallyCompose(error -> {
            Throwable cause = FailureReasons.unwrap(error);
            return CompletableFuture.failedFuture(cause instanceof DeviceException ? cause
                    : new DeviceException(FailureReasons.of(cause), "write failed: " + FailureReasons.describe(cause),
                    cause));
        });
    }

    @Override
    public void close() {
        closed = true;
        OpcUaConnection c = connection;
        if (c == null) {
            return;
        }
        c.close();
        if (itemsGauge != null) {
            context.meters().remove(itemsGauge);
        }
    }

    private static boolean isLoopback(String endpoint) {
        String host = EndpointUtil.getHost(endpoint);
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1"));
    }
}
