package io.outpost.mqtt.internal.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.outpost.core.message.Message;
import io.outpost.mqtt.api.DurableForwarder;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.broker.config.AclRule;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.ListenerConfig;
import io.outpost.mqtt.internal.broker.auth.AccessPolicy;
import io.outpost.mqtt.internal.broker.auth.Authenticator;
import io.outpost.mqtt.internal.broker.auth.CommandTopics;
import io.outpost.mqtt.internal.broker.forward.ForwardHold;
import io.outpost.mqtt.internal.broker.forward.Forwarders;
import io.outpost.mqtt.internal.broker.limits.RetainedLimit;
import io.outpost.mqtt.internal.broker.limits.SessionQuotas;
import io.outpost.mqtt.internal.broker.listener.ListenerServer;
import io.outpost.mqtt.internal.broker.local.LocalSubscriber;
import io.outpost.mqtt.internal.broker.persist.BrokerSnapshot;
import io.outpost.mqtt.internal.broker.persist.SnapshotStore;
import io.outpost.mqtt.internal.broker.protocol.ProtocolContext;
import io.outpost.mqtt.internal.broker.protocol.RateLimitedLog;
import io.outpost.mqtt.internal.broker.retain.RetainedStore;
import io.outpost.mqtt.internal.broker.routing.Router;
import io.outpost.mqtt.internal.broker.routing.Subscription;
import io.outpost.mqtt.internal.broker.routing.TopicTree;
import io.outpost.mqtt.internal.broker.session.MessageAcceptor;
import io.outpost.mqtt.internal.broker.session.PublisherPressure;
import io.outpost.mqtt.internal.broker.session.SessionRegistry;
import io.outpost.mqtt.internal.broker.session.SessionServices;
import io.outpost.mqtt.internal.broker.stats.BrokerStats;
import io.outpost.mqtt.internal.broker.sys.SysTopics;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in MQTT broker: listeners, sessions, routing, retained messages, forwarders, persistence and
 * {@code $SYS}. It is also the in-process {@link LocalBroker}: the same routing without sockets.
 *
 * <p><b>Threads.</b> One Netty event loop group (its own, two loops per CPU core unless configured, or the
 * caller's) carries network IO and owns the sessions: each client id maps to one loop. Password checks run on one
 * authentication thread; saving runs on one persistence thread. Nothing blocks an event loop.
 *
 * <p><b>Life cycle.</b> {@link #start()} once (loads saved state, binds listeners; throws when a listener cannot
 * bind), {@link #close()} once (tells MQTT 5 clients, closes connections, saves, stops threads).
 */
public final class Broker implements LocalBroker, MessageAcceptor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final BrokerConfig config;
    private final Clock clock;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final BrokerStats stats;
    private final TopicTree tree = new TopicTree();
    private final Router router = new Router(tree);
    private final RetainedStore retained;
    private final SessionRegistry sessions;
    private final Authenticator authenticator;
    private final CommandTopics commandTopics = new CommandTopics();
    private final AccessPolicy access;
    private final SessionQuotas quotas;
    private final ProtocolContext protocol;
    private final Forwarders forwarders = new Forwarders();
    private final LongAdder sessionChanges = new LongAdder();
    private final ChannelGroup connections = new DefaultChannelGroup("outpost-broker", GlobalEventExecutor.INSTANCE);
    private final List<ListenerServer> listeners = new ArrayList<>();
    private final SnapshotStore store;
    private final ExecutorService persistence;
    private final AtomicInteger localSubscribers = new AtomicInteger();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private long savedSessionChanges = -1;
    private long savedRetainedChanges = -1;
    private volatile boolean closed;
    private volatile boolean finished;
    /** Set once saved state was read: before that, saving at close would overwrite it with nothing. */
    private volatile boolean stateLoaded;

    /**
     * A broker on event loops of its own, which {@link #close()} shuts down.
     *
     * @param ioThreads event loops; 0 for Netty's default (two per CPU core)
     */
    public Broker(BrokerConfig config, MeterRegistry meters, Clock clock, int ioThreads) {
        this(config, meters, clock,
                new NioEventLoopGroup(ioThreads, new DefaultThreadFactory("outpost-broker-io", true)), true);
    }

    /**
     * A broker on the caller's event loops: its listeners, connections and sessions run there. The caller owns the
     * group and shuts it down after {@link #close()}.
     */
    public Broker(BrokerConfig config, MeterRegistry meters, Clock clock, EventLoopGroup group) {
        this(config, meters, clock, group, false);
    }

    private Broker(BrokerConfig config, MeterRegistry meters, Clock clock, EventLoopGroup group, boolean ownsGroup) {
        this.config = config;
        this.clock = clock;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.stats = new BrokerStats(meters);
        var q = config.limits().quotas();
        this.retained = new RetainedStore(new RetainedLimit(q.maxRetainedMessages(), q.maxRetainedBytes(),
                () -> stats.quotaRefused(BrokerStats.Quota.RETAINED)));
        this.quotas = new SessionQuotas(q);
        this.access = new AccessPolicy(config.acl(), commandTopics, config.clients().anonymousCommands());
        SessionServices services = new SessionServices(this, tree, retained, config.limits(), stats, clock, sessionChanges,
                access, config.clients(), quotas, new PublisherPressure());
        this.sessions = new SessionRegistry(group, services);
        access.onChange(sessions::recheckAccess);
        this.authenticator = new Authenticator(config.passwordFile(), q.maxPendingLoginsPerAddress(),
                access::passwordUsersChanged);
        this.protocol = new ProtocolContext(sessions, authenticator, access, config.clients(), config.limits(),
                retained, stats, clock, new RateLimitedLog(LoggerFactory.getLogger("outpost.broker.violations"),
                TimeUnit.SECONDS.toNanos(10), System::nanoTime));
        this.store = config.persistence().enabled() ? new SnapshotStore(config.persistence().directory()) : null;
        this.persistence = Executors.newSingleThreadExecutor(new DefaultThreadFactory("outpost-broker-persist", true));
        stats.gauge("outpost.broker.sessions", "sessions, connected or not", sessions::size);
        stats.gauge("outpost.broker.subscriptions", "subscriptions", tree::size);
        stats.gauge("outpost.broker.retained", "retained messages", retained::size);
        stats.gauge("outpost.broker.held", "messages held while the bridge restarts", forwarders::held);
        stats.gauge("outpost.broker.queued.bytes", "bytes waiting in all session queues together",
                () -> (int) Math.min(Integer.MAX_VALUE, quotas.queuedBytes()));
        stats.gauge("outpost.broker.retained.bytes", "bytes of retained messages of clients and upstreams",
                () -> (int) Math.min(Integer.MAX_VALUE, retained.limit().bytes()));
        stats.gauge("outpost.broker.sessions.persistent", "sessions kept beyond their connection", quotas::persistentSessions);
        stats.gauge("outpost.broker.auth.pending", "password checks waiting or running", authenticator::pending);
    }

    /**
     * Loads saved state and binds every listener ({@link #restore()} then {@link #listen()}). Blocking; call once
     * from the starting thread. On failure everything started so far is stopped again and the exception names what
     * failed (a port in use, a missing certificate or password file).
     */
    public void start() throws IOException {
        restore();
        listen();
    }

    /**
     * Loads saved state (sessions, retained messages) and starts the timers, without accepting connections yet:
     * in-process publishers and forwarders work from here on. The gateway registers the bridge's forwarders between
     * this and {@link #listen()}, so that no client's QoS 1/2 message is acknowledged before a forwarder could take
     * it. Blocking; call once. On failure the broker is closed and the exception says why.
     */
    public void restore() throws IOException {
        try {
            doRestore();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Binds every listener: clients can connect from now on. Blocking; call once, after {@link #restore()}. On
     * failure the broker is closed and the exception names the listener that could not bind.
     */
    public void listen() throws IOException {
        try {
            for (ListenerConfig l : config.listeners()) {
                ListenerServer server = ListenerServer.bind(l, group, protocol, connections);
                listeners.add(server);
                LOG.info("MQTT listener {} ({}) on {}:{}{}{}", l.name(), l.type().name().toLowerCase(java.util.Locale.ROOT),
                        l.bind(), server.port(), l.type().webSocket() ? l.path() : "",
                        l.allowAnonymous() ? ", anonymous clients allowed" : "");
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void doRestore() throws IOException {
        authenticator.load();
        if (store != null) {
            BrokerSnapshot saved = store.load();
            saved.retained().forEach(retained::put);
            sessions.restore(saved.sessions()).join();
            savedRetainedChanges = retained.changeCount();
            savedSessionChanges = sessionChanges.sum();
            stateLoaded = true;
            if (!saved.sessions().isEmpty() || !saved.retained().isEmpty()) {
                LOG.info("broker state restored from {}: {} session(s), {} retained message(s)", store.file(),
                        saved.sessions().size(), saved.retained().size());
            }
        }
        EventLoop timerLoop = group.next();
        if (store != null) {
            long every = config.persistence().interval().toMillis();
            timers.add(timerLoop.scheduleAtFixedRate(() -> persistence.execute(this::saveIfChanged), every, every,
                    TimeUnit.MILLISECONDS));
        }
        if (config.sysInterval() != null) {
            SysTopics sys = new SysTopics(stats, sessions::size, tree::size, retained::size, clock::millis, version());
            long every = config.sysInterval().toMillis();
            EventLoop sysLoop = sessions.loopFor(SysTopics.ORIGIN);
            // $SYS describes this broker only: routed and retained locally, never handed to forwarders.
            timers.add(sysLoop.scheduleAtFixedRate(() -> sys.round().forEach(this::retainAndRoute), 0, every,
                    TimeUnit.MILLISECONDS));
        }
    }

    /** The bound listeners (with their actual ports). */
    public List<ListenerServer> listeners() {
        return List.copyOf(listeners);
    }

    public BrokerStats stats() {
        return stats;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public RetainedStore retained() {
        return retained;
    }

    /**
     * The gateway's command topics: the engine keeps them current; the broker refuses them to clients that did not
     * authenticate and as response topics.
     */
    /** The ACL and command-topic rules in force (for checks of users acting outside MQTT: the console). */
    public AccessPolicy accessPolicy() {
        return access;
    }

    public CommandTopics commandTopics() {
        return commandTopics;
    }

    /**
     * Puts new ACL rules in force without a restart (a configuration reload) and re-reads the password file if it
     * changed: every connection and session applies them at once (subscriptions the rules no longer grant are
     * withdrawn, queued messages no longer readable dropped, users no longer in the file disconnected). Any thread.
     */
    public void reloadAccess(List<AclRule> acl) {
        access.replaceAcl(acl);
        authenticator.recheckFile();
    }

    // ------------------------------------------------------------------ accepting messages

    @Override
    public CompletableFuture<Void> accept(Message message, String publisherClientId) {
        retainAndRoute(message, publisherClientId);
        return forwarders.forward(message);
    }

    private void retainAndRoute(Message message) {
        retainAndRoute(message, null);
    }

    private void retainAndRoute(Message message, String publisherClientId) {
        if (message.retain()) {
            retained.put(message);
        }
        router.route(message, publisherClientId);
    }

    /**
     * Holds forwarding while the forwarders are replaced (the bridge restarting on a reload): accepted messages wait,
     * unacknowledged, until the returned hold is released, then go to the forwarders registered by then, in order.
     * Network clients' messages beyond the bounds are refused; the core's are always held (it bounds its own).
     * Any thread; release the hold in a {@code finally} (or try-with-resources) from the same code path.
     */
    public ForwardHold holdForwarding(int maxMessages, long maxBytes) {
        return forwarders.hold(maxMessages, maxBytes);
    }

    // ------------------------------------------------------------------ LocalBroker

    @Override
    public CompletionStage<Void> publish(Message message) {
        CompletableFuture<Void> forwarded = submit(message);
        return message.qos() == 0 ? DONE : forwarded;
    }

    /**
     * Publishes in-process and returns the forwarders' stage whatever the QoS (what the core's hand-over needs).
     * Messages of one origin are accepted in the order of the calls, on that origin's event loop.
     */
    public CompletableFuture<Void> submit(Message message) {
        if (!TopicFilter.isValidTopicName(message.topic())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("invalid topic name '" + message.topic() + "'"));
        }
        if (closed) {
            return CompletableFuture.failedFuture(new io.outpost.core.message.MessageRejectedException(
                    "shutting-down", "the broker is shutting down"));
        }
        stats.received(1);
        EventLoop loop = sessions.loopFor(message.origin());
        if (loop.inEventLoop()) {
            return accept(message, null);
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        loop.execute(() -> accept(message, null).whenComplete((ok, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(null);
            }
        }));
        return result;
    }

    /**
     * Publishes a batch of the core (a device's poll) on the calling thread: retained, routed to local subscribers
     * (one task per subscriber thread for the whole batch) and handed to every forwarder as one batch. Returns the
     * forwarders' stage whatever the QoS. Calls from one thread are accepted in call order (a device's poller calls
     * from its serial executor, so its messages keep their order).
     */
    public CompletableFuture<Void> submitBatch(List<Message> batch) {
        if (closed) {
            return CompletableFuture.failedFuture(new io.outpost.core.message.MessageRejectedException(
                    "shutting-down", "the broker is shutting down"));
        }
        if (batch.isEmpty()) {
            return DONE;
        }
        for (Message m : batch) {
            if (!TopicFilter.isValidTopicName(m.topic())) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("invalid topic name '" + m.topic()
                        + "' in a batch of the core"));
            }
        }
        stats.received(batch.size());
        for (Message m : batch) {
            if (m.retain()) {
                retained.put(m);
            }
        }
        router.routeBatch(batch);
        return forwarders.forwardBatch(batch);
    }

    @Override
    public LocalSubscription subscribe(String topicFilter, int qos, Consumer<Message> handler) {
        return subscribe(topicFilter, qos, true, handler);
    }

    /**
     * An in-process subscription; with {@code sendRetained} false the retained messages present at subscribe are
     * not delivered (for topics that carry events, such as commands, where a retained message must not be acted
     * on again).
     */
    public LocalSubscription subscribe(String topicFilter, int qos, boolean sendRetained, Consumer<Message> handler) {
        TopicFilter.Subscription parsed = TopicFilter.parseSubscription(topicFilter);
        int n = localSubscribers.incrementAndGet();
        EventLoop loop = sessions.loopFor("$local/" + n + "/" + topicFilter);
        LocalSubscriber subscriber = new LocalSubscriber(loop, handler, topicFilter);
        Subscription s = new Subscription(subscriber, parsed.shareGroup(), parsed.filter(), qos, false, true, 0, 0);
        List<Message> current = new ArrayList<>();
        // The subscriber waits for its retained messages before taking live ones (see LocalSubscriber).
        tree.add(s);
        if (parsed.shareGroup() == null && sendRetained) {
            retained.match(parsed.filter(), clock.millis(), current::add);
        }
        loop.execute(() -> subscriber.start(current, qos));
        return () -> {
            subscriber.close();
            tree.remove(subscriber, parsed.shareGroup(), parsed.filter());
        };
    }

    @Override
    public void addForwarder(DurableForwarder forwarder) {
        forwarders.add(forwarder);
    }

    @Override
    public void removeForwarder(DurableForwarder forwarder) {
        forwarders.remove(forwarder);
    }

    // ------------------------------------------------------------------ saving

    private void saveIfChanged() {
        long s = sessionChanges.sum();
        long r = retained.changeCount();
        if (s == savedSessionChanges && r == savedRetainedChanges) {
            return;
        }
        try {
            save();
            savedSessionChanges = s;
            savedRetainedChanges = r;
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot save the broker state to {}; will try again", store.file(), e);
        }
    }

    private void save() throws IOException {
        BrokerSnapshot snapshot = new BrokerSnapshot(retained.saved(), sessions.save().join());
        store.save(snapshot);
        LOG.debug("broker state saved: {} session(s), {} retained", snapshot.sessions().size(), snapshot.retained().size());
    }

    // ------------------------------------------------------------------ stop

    /**
     * The first half of {@link #close()}: no new connection, every client told (MQTT 5) and disconnected, in-process
     * publishing refused; forwarders keep what they were given, so a gateway stops the broker's inflow before it
     * closes the bridge's stores. Blocking (up to seconds); idempotent.
     */
    public void stopAccepting() {
        if (closed) {
            return;
        }
        closed = true;
        timers.forEach(t -> t.cancel(false));
        listeners.forEach(ListenerServer::close);
        try {
            sessions.shutdown().get(5, TimeUnit.SECONDS);
            connections.close().await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while disconnecting the broker's clients");
        } catch (Exception e) {
            LOG.error("the broker's clients were not all disconnected cleanly", e);
        }
    }

    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        stopAccepting();
        try {
            if (store != null && stateLoaded) {
                persistence.submit(() -> {
                    save();
                    return null;
                }).get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while stopping the broker; state may not be saved");
        } catch (Exception e) {
            LOG.error("the broker did not stop cleanly; its state may not be saved", e);
        }
        persistence.shutdown();
        authenticator.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    /** What each connection's handler works with; for the fuzz harness, which builds connections of its own. */
    ProtocolContext protocolContext() {
        return protocol;
    }

    private static String version() {
        String v = Broker.class.getPackage().getImplementationVersion();
        return "outpost " + (v == null ? "dev" : v);
    }
}
