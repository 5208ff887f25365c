package io.outpost.adapter.opcua.subscription;

import io.outpost.adapter.opcua.config.OpcUaPointSettings;
import io.outpost.adapter.opcua.data.DataValueSamples;
import io.outpost.adapter.opcua.data.StatusNames;
import io.outpost.adapter.opcua.node.Resolution;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MonitoringMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * The one subscription of a device and its monitored items, one per subscribed point. After a reconnect Milo
 * transfers the subscription to the new session; when that fails (the server restarted, the subscription timed out)
 * or the subscription's watchdog fires, the old subscription object is dropped and a new one is built with fresh
 * items from the current node resolution, so the server never holds two items for one point. A point whose item
 * cannot be created (unknown node, refused filter twice) goes to polling, and the log says why.
 *
 * <p>Closing needs nothing here: the session's CloseSession deletes its subscriptions on the server.
 *
 * <p>{@link #ensure} and {@link #recreate} run on the device's IO thread (they block on the server); notifications
 * arrive on Milo's delivery threads.
 */
public final class SubscriptionSet {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionSet.class);
    /**
     * Notifications per Publish answer. A data value with both timestamps takes about 40 bytes; 5,000 keep an answer
     * far below the 2 MiB message limit both sides enforce by default (a larger one is refused and nothing arrives),
     * and the server sends the rest in further answers.
     */
    static final int MAX_NOTIFICATIONS_PER_PUBLISH = 5_000;

    private final String device;
    private final List<PointConfig> points;
    private final Duration publishing;
    private final Duration keepAlive;
    private final Duration lifetime;
    private final PointSink sink;
    private final Consumer<Boolean> resubscribe;
    private final BooleanSupplier sessionUp;
    private final Clock clock;
    private final Set<String> pushed = ConcurrentHashMap.newKeySet();

    private volatile OpcUaSubscription current;

    /**
     * @param points      the device's points in mode subscribe
     * @param lifetime    how long the server keeps the subscription without the gateway (the session timeout)
     * @param resubscribe asks the adapter to call {@link #ensure} ({@code false}) or {@link #recreate} ({@code true})
     *                    again on its IO thread
     * @param sessionUp   whether a session is active, to tell a refused subscription from a lost session
     */
    public SubscriptionSet(String device, List<PointConfig> points, Duration publishing, Duration keepAlive,
                           Duration lifetime, PointSink sink, Consumer<Boolean> resubscribe, BooleanSupplier sessionUp,
                           Clock clock) {
        this.device = device;
        this.points = List.copyOf(points);
        this.publishing = publishing;
        this.keepAlive = keepAlive;
        this.lifetime = lifetime;
        this.sink = sink;
        this.resubscribe = resubscribe;
        this.sessionUp = sessionUp;
        this.clock = clock;
        this.points.forEach(p -> pushed.add(p.id()));
    }

    /** Claims the subscribed points before the first session, so that the core does not poll them meanwhile. */
    public void claimPoints() {
        points.forEach(p -> sink.setPushed(p.id(), true));
    }

    public boolean isEmpty() {
        return points.isEmpty();
    }

    /** Number of monitored items of the current subscription, for tests and metrics. */
    public int itemCount() {
        OpcUaSubscription s = current;
        return s == null ? 0 : s.getMonitoredItems().size();
    }

    /**
     * Makes sure the session has the subscription: nothing to do when it exists (possibly transferred), else a new
     * one is created with its items. IO thread; blocks on the server.
     */
    public void ensure(OpcUaClient client, Resolution resolution) {
        OpcUaSubscription existing = current;
        if (points.isEmpty() || existing != null && existing.getClient() == client
                && existing.getSyncState() != OpcUaSubscription.SyncState.INITIAL) {
            return;
        }
        if (existing != null) {
            existing.reset();
        }
        OpcUaSubscription s = newSubscription(client);
        try {
            s.create();
        } catch (UaException e) {
            String reason = StatusNames.of(e.getStatusCode());
            if (!sessionUp.getAsBoolean() || sessionProblem(e.getStatusCode().value())) {
                LOG.debug("device {}: no subscription while the session is down ({})", device, reason);
                return;
            }
            LOG.warn("device {}: cannot create a subscription ({}: {}); polling its {} point(s) instead", device,
                    reason, e.getMessage(), points.size());
            points.forEach(this::fallBack);
            return;
        }
        current = s;
        List<OpcUaMonitoredItem> items = new ArrayList<>();
        Map<String, List<String>> polled = new TreeMap<>();
        for (PointConfig p : points) {
            Optional<NodeId> node = resolution.node(p.id());
            if (node.isEmpty()) {
                fallBack(p);
                polled.computeIfAbsent(resolution.failure(p.id()), k -> new ArrayList<>()).add(p.id());
                continue;
            }
            items.add(newItem(p, node.get()));
        }
        s.addMonitoredItems(items);
        List<OpcUaMonitoredItem> retry = new ArrayList<>();
        int created = handle(s, s.createMonitoredItems(), retry, polled);
        if (!retry.isEmpty()) {
            created += handle(s, s.createMonitoredItems(), null, polled);
        }
        polled.forEach((reason, ids) -> LOG.warn("device {}: {} point(s) cannot be subscribed ({}) and are polled "
                + "instead: {}", device, ids.size(), reason, ids.size() <= 10 ? String.join(", ", ids)
                : String.join(", ", ids.subList(0, 10)) + ", ..."));
        LOG.info("device {}: subscription {} with {} monitored item(s), publishing every {} ms", device,
                s.getSubscriptionId().map(Object::toString).orElse("?"), created,
                s.getRevisedPublishingInterval().map(d -> (long) d.doubleValue()).orElse(publishing.toMillis()));
    }

    /**
     * Deletes the current subscription on the server and builds a new one. When the delete fails because the
     * session is in trouble, the subscription is kept: Milo moves it to the recovered session, and a second one
     * would duplicate every item. IO thread.
     */
    public void recreate(OpcUaClient client, Resolution resolution) {
        OpcUaSubscription old = current;
        if (old != null && old.getSyncState() != OpcUaSubscription.SyncState.INITIAL) {
            try {
                old.delete();
            } catch (UaException e) {
                if (sessionProblem(e.getStatusCode().value())) {
                    LOG.debug("device {}: subscription kept for the session's recovery ({})", device,
                            StatusNames.of(e.getStatusCode()));
                    return;
                }
                LOG.debug("device {}: old subscription not deleted ({}); the server drops it when its lifetime ends",
                        device, StatusNames.of(e.getStatusCode()));
                old.reset();
            }
        }
        ensure(client, resolution);
    }

    /** The session is gone: every subscribed point is bad with {@code reason} until values arrive again. */
    public void markLost(String reason) {
        long now = clock.millis();
        for (PointConfig p : points) {
            if (pushed.contains(p.id())) {
                sink.push(Sample.bad(p.ref(), reason, now));
            }
        }
    }

    private OpcUaSubscription newSubscription(OpcUaClient client) {
        OpcUaSubscription s = new OpcUaSubscription(client);
        s.setLifetimeAndKeepAliveCalculated(false);
        s.setPublishingInterval((double) publishing.toMillis());
        long interval = Math.max(1, publishing.toMillis());
        long keepAliveCount = Math.max(1, (keepAlive.toMillis() + interval - 1) / interval);
        long lifetimeCount = Math.max(3 * keepAliveCount, (lifetime.toMillis() + interval - 1) / interval);
        s.setMaxKeepAliveCount(uint(keepAliveCount));
        s.setLifetimeCount(uint(Math.min(lifetimeCount, 0xFFFF_FFFFL)));
        s.setMaxNotificationsPerPublish(uint(MAX_NOTIFICATIONS_PER_PUBLISH));
        s.setSubscriptionListener(new Listener());
        return s;
    }

    private OpcUaMonitoredItem newItem(PointConfig p, NodeId node) {
        OpcUaPointSettings settings = p.settings(OpcUaPointSettings.class);
        Duration sampling = settings.effectiveSamplingInterval(p.pollInterval());
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(node, MonitoringMode.Reporting);
        item.setSamplingInterval((double) sampling.toMillis());
        item.setQueueSize(uint(settings.effectiveQueueSize(sampling, publishing)));
        item.setDiscardOldest(true);
        item.setFilter(DeadbandFilters.forPoint(p));
        item.setUserObject(p);
        return item;
    }

    /**
     * Applies creation results; returns how many items exist. Items whose filter was refused go to {@code retry}
     * (without the filter) when it is given, else to polling like any other failure.
     */
    private int handle(OpcUaSubscription s, List<MonitoredItemServiceOperationResult> results,
                       List<OpcUaMonitoredItem> retry, Map<String, List<String>> polled) {
        int created = 0;
        for (MonitoredItemServiceOperationResult r : results) {
            OpcUaMonitoredItem item = r.monitoredItem();
            PointConfig p = (PointConfig) item.getUserObject().orElseThrow();
            StatusCode status = r.serviceResult().isGood() ? r.operationResult().orElse(StatusCode.BAD) : r.serviceResult();
            if (status.isGood()) {
                created++;
                claim(p);
            } else if (retry != null && item.getFilter() != null && filterRefused(status)) {
                LOG.info("device {}: the server refused the deadband of point {} ({}); it is filtered by the gateway "
                        + "only", device, p.id(), StatusNames.of(status));
                item.setFilter(null);
                retry.add(item);
            } else {
                s.removeMonitoredItem(item);
                fallBack(p);
                polled.computeIfAbsent(StatusNames.of(status), k -> new ArrayList<>()).add(p.id());
            }
        }
        return created;
    }

    /** The session or its connection failed, not the subscription: the next session tries again. */
    private static boolean sessionProblem(long status) {
        long v = status & 0xFFFF_0000L;
        return v == StatusCodes.Bad_ConnectionClosed || v == StatusCodes.Bad_SessionClosed
                || v == StatusCodes.Bad_SessionIdInvalid || v == StatusCodes.Bad_SessionNotActivated
                || v == StatusCodes.Bad_NotConnected || v == StatusCodes.Bad_SecureChannelClosed
                || v == StatusCodes.Bad_SecureChannelIdInvalid || v == StatusCodes.Bad_Timeout
                || v == StatusCodes.Bad_RequestTimeout || v == StatusCodes.Bad_CommunicationError
                || v == StatusCodes.Bad_ServerNotConnected;
    }

    private static boolean filterRefused(StatusCode status) {
        long v = status.value() & 0xFFFF_0000L;
        return v == StatusCodes.Bad_MonitoredItemFilterUnsupported || v == StatusCodes.Bad_FilterNotAllowed
                || v == StatusCodes.Bad_DeadbandFilterInvalid || v == StatusCodes.Bad_MonitoredItemFilterInvalid;
    }

    private void claim(PointConfig p) {
        if (pushed.add(p.id())) {
            sink.setPushed(p.id(), true);
        }
    }

    /** Hands the point to the core's polling; the caller logs why, once for all points of the same reason. */
    private void fallBack(PointConfig p) {
        if (pushed.remove(p.id())) {
            sink.setPushed(p.id(), false);
        }
    }

    private final class Listener implements OpcUaSubscription.SubscriptionListener {

        @Override
        public void onDataReceived(OpcUaSubscription subscription, List<OpcUaMonitoredItem> items,
                                   List<DataValue> values) {
            sink.activity();
            long now = clock.millis();
            for (int i = 0; i < items.size(); i++) {
                Object user = items.get(i).getUserObject().orElse(null);
                if (user instanceof PointConfig p) {
                    sink.push(DataValueSamples.toSample(p.ref(), values.get(i), now));
                }
            }
        }

        @Override
        public void onKeepAliveReceived(OpcUaSubscription subscription) {
            sink.activity();
        }

        @Override
        public void onTransferFailed(OpcUaSubscription subscription, StatusCode status) {
            LOG.info("device {}: the subscription could not move to the new session ({}); creating it again",
                    device, StatusNames.of(status));
            resubscribe.accept(false);
        }

        @Override
        public void onStatusChanged(OpcUaSubscription subscription, StatusCode status) {
            if (status.isBad()) {
                LOG.warn("device {}: the server ended the subscription ({}); creating it again", device,
                        StatusNames.of(status));
                resubscribe.accept(false);
            }
        }

        @Override
        public void onNotificationDataLost(OpcUaSubscription subscription) {
            LOG.warn("device {}: the server could not resend lost notifications; some changes were missed", device);
        }

        @Override
        public void onWatchdogTimerElapsed(OpcUaSubscription subscription) {
            if (subscription == current) {
                LOG.warn("device {}: the subscription sent nothing for longer than its keep-alive; creating it again",
                        device);
                resubscribe.accept(true);
            }
        }
    }
}
