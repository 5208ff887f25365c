package io.outpost.mqtt.internal.broker.session;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.outpost.core.log.SafeText;
import io.outpost.core.message.Message;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.internal.broker.auth.ClientAccess;
import io.outpost.mqtt.internal.broker.auth.ClientIdentity;
import io.outpost.mqtt.internal.broker.persist.SessionState;
import io.outpost.mqtt.internal.broker.persist.SessionState.MessageState;
import io.outpost.mqtt.internal.broker.persist.SessionState.SubscriptionState;
import io.outpost.mqtt.internal.broker.routing.Subscriber;
import io.outpost.mqtt.internal.broker.routing.Subscription;
import io.outpost.mqtt.internal.broker.stats.BrokerStats.Drop;
import io.outpost.mqtt.internal.broker.stats.BrokerStats.Quota;
import io.outpost.mqtt.internal.broker.stats.CloseReason;
import io.outpost.mqtt.internal.broker.wire.Packets;
import io.outpost.mqtt.internal.broker.wire.ReasonCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's state for one client identifier: subscriptions, messages on their way to the client (queued and in
 * flight), QoS 2 messages received but not released, the will, and the expiry of the session once the client is
 * gone. Lives across connections while the Session Expiry Interval allows. It belongs to the user that created it
 * and delivers only what that user may read under the rules in force ({@link SessionAccess}).
 *
 * <p><b>Back-pressure under overload.</b> When this session is behind while its client is connected - its queue of
 * messages waiting to be sent (with the deliveries queued on its thread and not run yet) passes
 * {@value #PRESSURE_MESSAGES} messages or {@code min(1 MB, max-queued-bytes / 2)}, or holds at least
 * {@value #AGE_MIN_MESSAGES} messages of which the oldest waited {@value #PRESSURE_AGE_MILLIS} ms - it asks each
 * network publisher whose message it gets to stop reading its socket ({@link PublisherPressure}), and lets them
 * all go once it is down to half of each. Latency then stays bounded and memory flat, where queues would otherwise
 * grow until the slow-subscriber policy dropped messages. A client that is not back to half within
 * {@value #PATIENCE_SECONDS} s is slow, not busy: it holds nobody back for the next {@value #COOL_DOWN_SECONDS} s
 * (and longer while it stays behind), and the slow-subscriber policy of {@link SessionOutbox} applies to it.
 *
 * <p><b>Threading.</b> Every method except {@link #online()}, {@link #clientId()} and {@link #executor()} runs on
 * the session's {@link #executor()} (an event loop chosen from the client id), so the state has one writer and no
 * locks. Network connections hand their packets to that thread; the router hands it deliveries.
 */
public final class Session implements Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final int[] NO_IDS = new int[0];
    static final int PRESSURE_MESSAGES = 1_000;
    private static final long PRESSURE_BYTES = 1L << 20;
    static final int PATIENCE_SECONDS = 3;
    static final int COOL_DOWN_SECONDS = 30;
    static final int AGE_MIN_MESSAGES = 64;
    static final long PRESSURE_AGE_MILLIS = 50;
    private static final long PRESSURE_CHECK_MILLIS = 5;

    private final String clientId;
    private final EventLoop executor;
    private final SessionServices services;
    private final Consumer<Session> onEnd;
    private final SessionOutbox outbox;
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final InboundFlow inbound;
    private final SessionAccess access;
    private volatile boolean online;
    private boolean countedPersistent;

    private Attachment current;
    private long expirySeconds;
    private long disconnectedAtMillis;
    private boolean ended;
    private boolean flushScheduled;
    private Will will;
    private ScheduledFuture<?> willTimer;
    private ScheduledFuture<?> expiryTimer;
    /**
     * As a publisher: the subscribers that asked this session to stop reading (changed from their threads, read by
     * the connection's loop after each PUBLISH so that a pause takes effect before the next read), and whether the
     * inbound flow holds messages beyond the inflight limit.
     */
    private final Set<Session> slowedBy = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean holdingInbound;
    /** As a subscriber: the publishers this session asked to stop reading, until its queue is down to half. */
    private final Set<String> slowing = new HashSet<>();
    private boolean slowNotBusy;
    private long slowNotBusySinceNanos;
    private long slowingSinceNanos;
    private int lastDeliverySize = SessionOutbox.OVERHEAD;
    private ScheduledFuture<?> pressureTimer;

    /** @param owner the user the session belongs to; null for a restored session whose owner was not recorded */
    Session(String clientId, ClientIdentity owner, EventLoop executor, SessionServices services,
            Consumer<Session> onEnd) {
        this.clientId = clientId;
        this.executor = executor;
        this.services = services;
        this.onEnd = onEnd;
        this.outbox = new SessionOutbox(services.limits().maxQueuedBytes(), services.quotas());
        this.inbound = new InboundFlow(clientId, services, new Owner());
        this.access = new SessionAccess(services.access(), owner);
    }

    /** What the inbound flow may do to its session; runs on the session's thread like everything else. */
    private final class Owner implements InboundFlow.Owner {
        @Override
        public boolean isCurrent(Attachment a) {
            return current == a;
        }

        @Override
        public void execute(Runnable task) {
            executor.execute(task);
        }

        @Override
        public void disconnect(byte reason, String why, CloseReason closeReason) {
            Session.this.disconnect(reason, why, closeReason);
        }

        @Override
        public void holding(boolean holding) {
            holdingInbound = holding;
            applyReadPause();
        }

        @Override
        public void flushSoon() {
            scheduleFlush();
        }

        @Override
        public void changed() {
            Session.this.changed();
        }
    }

    @Override
    public String clientId() {
        return clientId;
    }

    /** Who the session belongs to (the user its client logged in as); null for a restored session whose owner was not recorded. */
    public ClientIdentity owner() {
        return access.owner();
    }

    @Override
    public EventLoop executor() {
        return executor;
    }

    @Override
    public boolean online() {
        return online;
    }

    boolean hasLink(ClientLink link) {
        return current != null && current.link == link;
    }

    boolean isPersistent() {
        return expirySeconds > 0;
    }

    /** True when {@code who} is the user this session belongs to (anyone, for a session whose owner is not known). */
    boolean belongsTo(ClientIdentity who) {
        return access.belongsTo(who);
    }

    /** Sets the expiry and keeps the broker-wide count of persistent sessions. */
    private void setExpiry(long seconds) {
        expirySeconds = seconds;
        boolean persistent = seconds > 0 && !ended;
        if (persistent != countedPersistent) {
            services.quotas().persistentSessionChanged(persistent ? 1 : -1);
            countedPersistent = persistent;
        }
    }

    // ------------------------------------------------------------------ connection life cycle

    /** Takes a new connection: CONNACK, then the re-sends of what was in flight, then the queue. */
    void attach(ConnectRequest request, ClientSettings settings, boolean sessionPresent) {
        cancel(willTimer);
        cancel(expiryTimer);
        willTimer = null;
        expiryTimer = null;
        will = request.will();
        setExpiry(request.expirySeconds());
        access.claim(request.identity());
        // Resuming: what was granted before is checked against the rules in force now, before anything is sent.
        applyAccess(false);
        current = new Attachment(request.link(), settings);
        online = true;
        holdingInbound = false;
        applyReadPause();
        request.link().bind(this);
        request.link().send(Packets.connAck(settings.version(), ReasonCode.SUCCESS, sessionPresent,
                request.connAckProperties()));
        long now = services.clock().millis();
        for (SessionOutbox.Entry e : outbox.inflightInOrder()) {
            if (e.released) {
                current.link.send(Packets.pubRel(e.packetId));
            } else {
                MqttPublishMessage p = PublishEncoder.encode(current, e, e.packetId, true, now);
                if (p == null) {
                    outbox.endFlight(e.packetId);
                    services.stats().dropped(Drop.TOO_LARGE_FOR_CLIENT);
                } else {
                    current.link.send(p);
                }
            }
        }
        changed();
        drain();
        current.link.flush();
    }

    /** The current connection is being replaced by a new one for the same client id (session take-over). */
    void takeOver() {
        if (current == null) {
            return;
        }
        disconnect(ReasonCode.SESSION_TAKEN_OVER, "another connection with client id " + clientId,
                CloseReason.SESSION_TAKEN_OVER);
    }

    /** Ends the current connection from the broker's side; the session treats it as gone at once. */
    private void disconnect(byte reason, String why, CloseReason closeReason) {
        ClientLink link = current.link;
        link.disconnect(reason, why, closeReason);
        lost(link);
    }

    /** DISCONNECT from the client; {@code newExpiry} is the MQTT 5 Session Expiry Interval it set, or null. */
    public void onDisconnect(ClientLink link, byte reason, Long newExpiry) {
        if (!hasLink(link)) {
            return;
        }
        if (reason != ReasonCode.DISCONNECT_WITH_WILL) {
            will = null;
        }
        if (newExpiry != null) {
            setExpiry(Math.min(newExpiry, services.limits().maxSessionExpirySeconds()));
        }
    }

    /** The connection closed (for whatever reason). */
    public void onLinkClosed(ClientLink link) {
        if (hasLink(link)) {
            lost(link);
        }
    }

    private void lost(ClientLink link) {
        current = null;
        online = false;
        holdingInbound = false;
        // Offline, this session's queue is the offline policy's business: it holds no publisher back.
        releaseSlowed();
        disconnectedAtMillis = services.clock().millis();
        if (will != null) {
            long delay = Math.min(will.delaySeconds(), expirySeconds);
            if (delay == 0) {
                publishWill();
            } else {
                willTimer = executor.schedule(this::publishWill, delay, TimeUnit.SECONDS);
            }
        }
        if (expirySeconds == 0) {
            end();
        } else {
            expiryTimer = executor.schedule(this::expire, expirySeconds, TimeUnit.SECONDS);
            changed();
        }
        LOG.debug("{}: connection lost ({})", SafeText.of(clientId), link.describe());
    }

    private void expire() {
        LOG.info("session {} expired after {} s without its client", SafeText.of(clientId), expirySeconds);
        end();
    }

    private void publishWill() {
        Will w = will;
        will = null;
        willTimer = null;
        if (w != null) {
            services.acceptor().accept(w.publishAt(services.clock().millis()), clientId);
        }
    }

    /** Ends the session: pending will published, subscriptions removed, messages discarded. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        online = false;
        if (countedPersistent) {
            services.quotas().persistentSessionChanged(-1);
            countedPersistent = false;
        }
        cancel(willTimer);
        cancel(expiryTimer);
        publishWill();
        for (Subscription s : subscriptions.values()) {
            services.tree().remove(this, s.shareGroup(), s.filter());
        }
        services.quotas().removeSubscriptions(subscriptions.size());
        subscriptions.clear();
        outbox.clear();
        inbound.clear();
        releaseSlowed();
        slowedBy.clear();
        current = null;
        changed();
        onEnd.accept(this);
    }

    boolean ended() {
        return ended;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // ------------------------------------------------------------------ from the client

    public void onPublish(ClientLink link, ClientPublish p) {
        if (hasLink(link)) {
            inbound.onPublish(current, p);
        }
    }

    public void onPubRel(ClientLink link, int packetId) {
        if (hasLink(link)) {
            inbound.onPubRel(current, packetId);
        }
    }

    public void onPubAck(ClientLink link, int packetId) {
        if (hasLink(link) && outbox.acknowledged(packetId)) {
            changed();
            drain();
        }
    }

    public void onPubRec(ClientLink link, int packetId, byte reason) {
        if (!hasLink(link)) {
            return;
        }
        SessionOutbox.Entry e = outbox.inflight(packetId);
        if (e == null || e.qos != 2) {
            current.link.send(Packets.pubReply(MqttMessageType.PUBREL, packetId, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, null));
        } else if (ReasonCode.isFailure(reason)) {
            outbox.endFlight(packetId);
            drain();
        } else {
            e.released = true;
            current.link.send(Packets.pubRel(packetId));
        }
        changed();
        scheduleFlush();
    }

    public void onPubComp(ClientLink link, int packetId) {
        if (!hasLink(link)) {
            return;
        }
        SessionOutbox.Entry e = outbox.inflight(packetId);
        if (e != null && e.released) {
            outbox.endFlight(packetId);
            changed();
            drain();
        }
    }

    public void onWritable(ClientLink link) {
        if (hasLink(link)) {
            drain();
        }
    }

    public void onSubscribe(ClientLink link, int packetId, List<SubscribeRequest> requests, int subscriptionId) {
        if (!hasLink(link)) {
            return;
        }
        if (access.stale()) {
            applyAccess(true);
            if (!hasLink(link)) {
                return;
            }
        }
        List<Integer> codes = new ArrayList<>(requests.size());
        List<Subscription> sendRetained = new ArrayList<>();
        for (SubscribeRequest r : requests) {
            byte refusal = r.refusal() != 0 ? r.refusal() : subscribeRefusal(r);
            if (refusal != 0) {
                codes.add(current.settings.isV5() ? refusal & 0xFF : 0x80);
                continue;
            }
            Subscription s = new Subscription(this, r.shareGroup(), r.filter(), r.qos(), r.noLocal(),
                    r.retainAsPublished(), r.retainHandling(), subscriptionId);
            Subscription previous = subscriptions.put(s.text(), s);
            services.tree().add(s);
            access.subscribed(s);
            codes.add(r.qos());
            if (s.shareGroup() == null && (r.retainHandling() == 0 || r.retainHandling() == 1 && previous == null)) {
                sendRetained.add(s);
            }
        }
        changed();
        current.link.send(Packets.subAck(packetId, codes));
        long now = services.clock().millis();
        for (Subscription s : sendRetained) {
            int[] ids = s.identifier() == 0 ? NO_IDS : new int[] {s.identifier()};
            services.retained().match(s.filter(), now,
                    m -> deliver(m, Math.min(m.qos(), s.qos()), true, ids));
        }
        scheduleFlush();
    }

    public void onUnsubscribe(ClientLink link, int packetId, List<String> filters) {
        if (!hasLink(link)) {
            return;
        }
        List<Short> codes = new ArrayList<>(filters.size());
        for (String text : filters) {
            Subscription s = subscriptions.remove(text);
            if (s != null) {
                services.tree().remove(this, s.shareGroup(), s.filter());
                services.quotas().removeSubscriptions(1);
                codes.add((short) ReasonCode.SUCCESS);
            } else {
                codes.add((short) ReasonCode.NO_SUBSCRIPTION_EXISTED);
            }
        }
        changed();
        current.link.send(Packets.unsubAck(current.settings.version(), packetId, codes));
        scheduleFlush();
    }

    // ------------------------------------------------------------------ to the client

    @Override
    public void deliver(Message message, int qos, boolean retain, int[] subscriptionIds) {
        if (ended) {
            return;
        }
        if (!readable(message.topic())) {
            services.stats().dropped(Drop.NOT_AUTHORIZED);
            return;
        }
        if (current == null && qos == 0) {
            services.stats().dropped(Drop.OFFLINE_QOS0);
            return;
        }
        SessionOutbox.Entry e = new SessionOutbox.Entry(message, qos, retain, subscriptionIds);
        lastDeliverySize = e.size;
        if (current != null && outbox.isEmpty() && (qos == 0 || outbox.inflightCount() < window(current))
                && current.link.writable()) {
            send(current, e);
            scheduleFlush();
            slowPublisherIfBehind(message.origin());
            return;
        }
        SessionOutbox.Offer offer = outbox.offer(e);
        if (offer != SessionOutbox.Offer.QUEUED && !slowing.isEmpty()) {
            // Its publishers are held back already: what was on its way here when they were still fits (bounded by
            // a read per publisher and the loops' backlog limit); the overflow policy is for clients that stay behind.
            outbox.force(e);
            offer = SessionOutbox.Offer.QUEUED;
        }
        switch (offer) {
            case QUEUED -> {
                if (qos > 0) {
                    changed();
                }
                slowPublisherIfBehind(message.origin());
            }
            case DROPPED -> services.stats().dropped(Drop.QUEUE_FULL);
            case TOTAL_FULL -> {
                services.stats().dropped(Drop.TOTAL_QUEUE_FULL);
                if (services.quotas().shouldLog()) {
                    LOG.warn("{}: a message was dropped: max-total-queued-bytes ({}) is reached by all sessions together",
                            SafeText.of(clientId), services.quotas().limits().maxTotalQueuedBytes());
                }
            }
            case OVERFLOW -> {
                services.stats().dropped(Drop.QUEUE_FULL);
                if (current != null) {
                    services.stats().slowDisconnect();
                    disconnect(ReasonCode.QUOTA_EXCEEDED, "more than " + services.limits().maxQueuedBytes()
                            + " bytes of QoS 1/2 messages queued for this client", CloseReason.SLOW_SUBSCRIBER);
                }
            }
            default -> throw new IllegalStateException();
        }
        for (int i = outbox.takeEvicted(); i > 0; i--) {
            services.stats().dropped(Drop.QUEUE_FULL);
        }
        drain();
    }

    private int window(Attachment a) {
        return Math.min(a.settings.receiveMaximum(), services.limits().maxInflight());
    }

    /** Sends queued messages while the client's window and the connection's buffer allow. */
    private void drain() {
        Attachment a = current;
        if (a == null) {
            return;
        }
        int window = window(a);
        boolean sent = false;
        while (a.link.writable()) {
            SessionOutbox.Entry e = outbox.peek();
            if (e == null || e.qos > 0 && outbox.inflightCount() >= window) {
                break;
            }
            outbox.poll();
            sent |= send(a, e);
        }
        if (sent) {
            scheduleFlush();
        }
        if ((!slowing.isEmpty() || slowNotBusy) && belowHalf()) {
            if (slowNotBusy && System.nanoTime() - slowNotBusySinceNanos > TimeUnit.SECONDS.toNanos(COOL_DOWN_SECONDS)) {
                slowNotBusy = false;
            }
            releaseSlowed();
        }
    }

    // ------------------------------------------------------------------ back-pressure

    private long pressureBytes() {
        return Math.min(PRESSURE_BYTES, services.limits().maxQueuedBytes() / 2);
    }

    /**
     * Deliveries handed to this session's thread and not run yet (with the other work queued there): a thread
     * behind on its tasks is as far behind as a full queue, only out of sight.
     */
    private int threadBacklog() {
        return executor instanceof SingleThreadEventExecutor e ? e.pendingTasks() : 0;
    }

    /** Messages queued here plus those on their way in (counted at the size of the last one), and their age. */
    private boolean behind() {
        int backlog = threadBacklog();
        int queued = outbox.queuedMessages();
        return queued + backlog >= PRESSURE_MESSAGES
                || outbox.queuedBytes() + (long) backlog * lastDeliverySize >= pressureBytes()
                || queued >= AGE_MIN_MESSAGES
                && outbox.oldestWaitNanos(System.nanoTime()) >= TimeUnit.MILLISECONDS.toNanos(PRESSURE_AGE_MILLIS);
    }

    private boolean belowHalf() {
        int backlog = threadBacklog();
        int queued = outbox.queuedMessages();
        return queued + backlog <= PRESSURE_MESSAGES / 2
                && outbox.queuedBytes() + (long) backlog * lastDeliverySize <= pressureBytes() / 2
                && (queued < AGE_MIN_MESSAGES / 2
                || outbox.oldestWaitNanos(System.nanoTime()) < TimeUnit.MILLISECONDS.toNanos(PRESSURE_AGE_MILLIS / 2));
    }

    /** As a subscriber that is behind: asks the network publisher of a message to stop reading. */
    private void slowPublisherIfBehind(String origin) {
        if (current == null || slowNotBusy || origin == null || origin.startsWith("$") || slowing.contains(origin)
                || !behind()) {
            return;
        }
        if (!services.pressure().slow(origin, this, true)) {
            return;
        }
        slowing.add(origin);
        if (pressureTimer == null) {
            slowingSinceNanos = System.nanoTime();
            pressureTimer = executor.scheduleAtFixedRate(this::checkPressure, PRESSURE_CHECK_MILLIS,
                    PRESSURE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * While publishers are slowed: lets them go once this session is down to half its bound; if it is not within
     * the patience, the client is slow, not busy, and holds nobody back any more (until it catches up).
     */
    private void checkPressure() {
        if (slowing.isEmpty() || belowHalf()) {
            releaseSlowed();
        } else if (System.nanoTime() - slowingSinceNanos > TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS)) {
            LOG.info("{}: still behind after {} s; it does not slow down its {} publisher(s) for the next {} s", this,
                    PATIENCE_SECONDS, slowing.size(), COOL_DOWN_SECONDS);
            slowNotBusy = true;
            slowNotBusySinceNanos = System.nanoTime();
            releaseSlowed();
        }
    }

    /** Lets every publisher this session slowed go. */
    private void releaseSlowed() {
        for (String publisher : slowing) {
            services.pressure().slow(publisher, this, false);
        }
        slowing.clear();
        cancel(pressureTimer);
        pressureTimer = null;
    }

    /**
     * As a publisher: subscriber {@code by} asks this session to stop ({@code slow}) or resume reading. Any thread:
     * the request counts at once (see {@link #readingShouldPause()}); the link is told on this session's thread.
     */
    void slowedBy(Session by, boolean slow) {
        boolean changed = slow ? slowedBy.add(by) : slowedBy.remove(by);
        if (!changed) {
            return;
        }
        if (executor.inEventLoop()) {
            applyReadPause();
        } else {
            executor.execute(this::applyReadPause);
        }
    }

    /** True while this session's client should not be read (back-pressure). Any thread. */
    public boolean readingShouldPause() {
        return holdingInbound || !slowedBy.isEmpty();
    }

    private void applyReadPause() {
        if (current != null) {
            current.link.pauseReading(readingShouldPause());
        }
    }

    private boolean send(Attachment a, SessionOutbox.Entry e) {
        if (!readable(e.message.topic())) {
            services.stats().dropped(Drop.NOT_AUTHORIZED);
            return false;
        }
        long now = services.clock().millis();
        if (e.message.isExpired(now)) {
            services.stats().dropped(Drop.EXPIRED);
            return false;
        }
        int id = e.qos == 0 ? 0 : outbox.startFlight(e);
        MqttPublishMessage p = PublishEncoder.encode(a, e, id, false, now);
        if (p == null) {
            if (id != 0) {
                outbox.endFlight(id);
            }
            services.stats().dropped(Drop.TOO_LARGE_FOR_CLIENT);
            return false;
        }
        a.link.send(p);
        services.stats().sent();
        return true;
    }

    /** One flush per turn of the event loop, however many packets were written in it. */
    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            executor.execute(() -> {
                flushScheduled = false;
                if (current != null) {
                    current.link.flush();
                }
            });
        }
    }

    private void changed() {
        if (expirySeconds > 0) {
            services.changes().increment();
        }
    }

    // ------------------------------------------------------------------ persistence

    /** The state to save, or null for a session that does not outlive its connection. */
    SessionState save() {
        if (ended || expirySeconds == 0) {
            return null;
        }
        List<SubscriptionState> subs = new ArrayList<>();
        for (Subscription s : subscriptions.values()) {
            subs.add(new SubscriptionState(s.text(), s.qos(), s.noLocal(), s.retainAsPublished(), s.retainHandling(),
                    s.identifier()));
        }
        List<MessageState> inflight = new ArrayList<>();
        List<MessageState> queued = new ArrayList<>();
        outbox.save(inflight, queued);
        long at = current == null ? disconnectedAtMillis : services.clock().millis();
        ClientIdentity owner = access.owner();
        return new SessionState(clientId, expirySeconds, at, subs, inflight, queued, inbound.awaitingRelease(),
                owner == null ? null : owner.username(), owner == null ? 0 : owner.kind().code);
    }

    /** Rebuilds a saved session, offline, with its expiry counting from when its client went away. */
    void restore(SessionState state) {
        setExpiry(state.expirySeconds());
        disconnectedAtMillis = state.disconnectedAtMillis();
        for (SubscriptionState s : state.subscriptions()) {
            TopicFilter.Subscription parsed = TopicFilter.parseSubscription(s.text());
            Subscription sub = new Subscription(this, parsed.shareGroup(), parsed.filter(), s.qos(), s.noLocal(),
                    s.retainAsPublished(), s.retainHandling(), s.identifier());
            subscriptions.put(sub.text(), sub);
            services.tree().add(sub);
            services.quotas().forceSubscription();
        }
        outbox.restore(state.inflight(), state.queued());
        inbound.restore(state.awaitingRelease());
        // The ACL may have changed while the gateway was down: what was granted is checked again now.
        applyAccess(true);
        if (ended) {
            return;
        }
        long left = expirySeconds * 1000 - (services.clock().millis() - disconnectedAtMillis);
        expiryTimer = executor.schedule(this::expire, Math.max(0, left), TimeUnit.MILLISECONDS);
    }

    /** The rules changed (a reload): applies them now rather than at the next delivery. */
    void recheckAccess() {
        if (!ended && access.stale()) {
            applyAccess(true);
        }
    }

    /** True when a message on {@code topic} may go to the client: applies changed rules first. */
    private boolean readable(String topic) {
        if (access.stale()) {
            applyAccess(true);
            if (ended) {
                return false;
            }
        }
        return access.mayRead(topic);
    }

    /**
     * Applies the rules in force: withdraws subscriptions the owner may no longer have and drops the queued and
     * in-flight messages it may no longer read. A user deleted from the password file loses the session (its
     * connection is closed with 0x87) when {@code mayEnd}.
     */
    private void applyAccess(boolean mayEnd) {
        ClientAccess a = access.refresh();
        if (a == null) {
            return;
        }
        if (a.revoked()) {
            access.subscriptionsChanged(subscriptions.values());
            if (mayEnd) {
                LOG.info("session {}: user {} no longer exists; session discarded", SafeText.of(clientId),
                        SafeText.of(access.owner().username()));
                if (current != null) {
                    disconnect(ReasonCode.NOT_AUTHORIZED, "the user no longer exists", CloseReason.NOT_AUTHORIZED);
                }
                end();
            }
            return;
        }
        int withdrawn = 0;
        for (Iterator<Subscription> it = subscriptions.values().iterator(); it.hasNext(); ) {
            Subscription s = it.next();
            if (!a.maySubscribe(s.filter())) {
                services.tree().remove(this, s.shareGroup(), s.filter());
                it.remove();
                withdrawn++;
            }
        }
        if (withdrawn > 0) {
            services.quotas().removeSubscriptions(withdrawn);
            access.narrowed();
            changed();
            LOG.info("session {}: {} subscription(s) withdrawn: the ACL no longer grants them to {}",
                    SafeText.of(clientId), withdrawn, SafeText.of(access.owner().username()));
        }
        access.subscriptionsChanged(subscriptions.values());
        int dropped = outbox.purge(m -> a.mayRead(m.topic()));
        for (int i = 0; i < dropped; i++) {
            services.stats().dropped(Drop.NOT_AUTHORIZED);
        }
        if (dropped > 0) {
            changed();
        }
    }

    /** Why a valid, allowed subscription cannot be taken (0 when it can): the ACL in force, the quotas. */
    private byte subscribeRefusal(SubscribeRequest r) {
        ClientAccess a = access.current();
        if (a != null && !a.maySubscribe(r.filter())) {
            return ReasonCode.NOT_AUTHORIZED;
        }
        String text = r.shareGroup() == null ? r.filter().text() : "$share/" + r.shareGroup() + "/" + r.filter().text();
        if (subscriptions.containsKey(text)) {
            return 0;
        }
        int perClient = services.quotas().limits().maxSubscriptionsPerClient();
        boolean full = subscriptions.size() >= perClient;
        if (full || !services.quotas().addSubscription()) {
            services.stats().quotaRefused(Quota.SUBSCRIPTIONS);
            if (services.quotas().shouldLog()) {
                LOG.warn("{}: subscription to {} refused: {} reached", current.link.describe(), SafeText.of(text),
                        full ? "max-subscriptions-per-client (" + perClient + ")"
                                : "max-subscriptions (" + services.quotas().limits().maxSubscriptions() + ")");
            }
            return ReasonCode.QUOTA_EXCEEDED;
        }
        return 0;
    }

    /** For the shutdown: tells an MQTT 5 client why it is disconnected. */
    void shutdown() {
        if (current != null) {
            current.link.disconnect(ReasonCode.SERVER_SHUTTING_DOWN, "the broker is shutting down",
                    CloseReason.SERVER_SHUTTING_DOWN);
        }
    }

    @Override
    public String toString() {
        return "session " + clientId;
    }
}
