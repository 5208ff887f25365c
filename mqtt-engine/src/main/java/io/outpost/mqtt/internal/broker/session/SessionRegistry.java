package io.outpost.mqtt.internal.broker.session;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.outpost.core.log.SafeText;
import io.outpost.mqtt.broker.config.ClientPolicy;
import io.outpost.mqtt.internal.broker.auth.ClientIdentity;
import io.outpost.mqtt.internal.broker.persist.SessionState;
import io.outpost.mqtt.internal.broker.stats.BrokerStats.Quota;
import io.outpost.mqtt.internal.broker.wire.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every session by client identifier. A new session lives on the event loop of the connection that created it, so
 * that a client's packets and its session's work share one thread; a resumed session stays where it was created.
 * Connects for one client id are serialized (each waits until the previous one has taken over, ended or resumed
 * the session), so a take-over and a clean start never race. A session belongs to the user that created it: a
 * connection of another user with the same client id is refused, or with {@code other-user-session: replace} gets a
 * clean session in its place; it never resumes the other user's. Thread-safe.
 */
public final class SessionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final List<EventLoop> loops = new ArrayList<>();
    private final SessionServices services;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> connecting = new ConcurrentHashMap<>();

    public SessionRegistry(EventLoopGroup group, SessionServices services) {
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        this.services = services;
        services.pressure().lookup(sessions::get);
    }

    /** A loop chosen from a name, for work that needs a fixed thread (in-process publishers, restored sessions). */
    public EventLoop loopFor(String name) {
        return loops.get(Math.floorMod(name.hashCode(), loops.size()));
    }

    /**
     * Connects a client: takes over a connection with the same id, starts a new session or resumes the old one,
     * then sends CONNACK (on the session's loop, which then calls {@link ClientLink#bind}). Any thread.
     */
    public void connect(ConnectRequest request, ClientSettings settings) {
        String id = request.clientId();
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> previous = connecting.put(id, mine);
        mine.whenComplete((ok, error) -> connecting.remove(id, mine));
        Runnable run = () -> {
            try {
                doConnect(request, settings, mine);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
        };
        if (previous == null || previous.isDone()) {
            run.run();
        } else {
            previous.whenComplete((ok, error) -> run.run());
        }
    }

    private void doConnect(ConnectRequest request, ClientSettings settings, CompletableFuture<Void> done) {
        Session existing = sessions.get(request.clientId());
        if (existing == null) {
            startIfAllowed(request, settings, done);
            return;
        }
        existing.executor().execute(() -> {
            try {
                boolean otherUser = !existing.belongsTo(request.identity());
                if (otherUser && services.clients().otherUserSession() == ClientPolicy.OtherUserSession.REFUSE) {
                    LOG.warn("refused {}: client id {} belongs to a session of another user "
                                    + "(other-user-session: refuse)", request.link().describe(),
                            SafeText.of(request.clientId()));
                    services.stats().authFailure();
                    request.link().refuse(ReasonCode.NOT_AUTHORIZED, "the client id is in use by another user");
                    done.complete(null);
                    return;
                }
                if (otherUser) {
                    LOG.warn("{} replaces the session of another user with the same client id "
                            + "(other-user-session: replace)", request.link().describe());
                }
                existing.takeOver();
                if (request.cleanStart() || otherUser) {
                    existing.end();
                }
                if (existing.ended()) {
                    startIfAllowed(request, settings, done);
                } else {
                    existing.attach(request, settings, true);
                    done.complete(null);
                    LOG.debug("client {} resumed its session ({})", SafeText.of(request.clientId()),
                            request.link().describe());
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                throw e;
            }
        });
    }

    /** Starts a new session unless it would be persistent and {@code max-persistent-sessions} is reached. */
    private void startIfAllowed(ConnectRequest request, ClientSettings settings, CompletableFuture<Void> done) {
        if (request.expirySeconds() > 0 && !services.quotas().persistentSessionAvailable()) {
            services.stats().quotaRefused(Quota.PERSISTENT_SESSIONS);
            if (services.quotas().shouldLog()) {
                LOG.warn("refused {}: max-persistent-sessions ({}) reached", request.link().describe(),
                        services.quotas().limits().maxPersistentSessions());
            }
            request.link().refuse(ReasonCode.QUOTA_EXCEEDED, "max-persistent-sessions reached");
            done.complete(null);
            return;
        }
        start(request, settings, done);
    }

    private void start(ConnectRequest request, ClientSettings settings, CompletableFuture<Void> done) {
        Session session = new Session(request.clientId(), request.identity(), request.loop(), services, this::ended);
        sessions.put(request.clientId(), session);
        session.executor().execute(() -> {
            try {
                session.attach(request, settings, false);
            } finally {
                done.complete(null);
            }
        });
    }

    private void ended(Session s) {
        sessions.remove(s.clientId(), s);
    }

    public int size() {
        return sessions.size();
    }

    /**
     * The most tasks queued on any of the broker's loops and not run yet (deliveries handed from one loop to
     * another, mostly): how far the broker is behind. Any thread; cheap.
     */
    public int backlog() {
        int most = 0;
        for (EventLoop loop : loops) {
            if (loop instanceof io.netty.util.concurrent.SingleThreadEventExecutor e) {
                most = Math.max(most, e.pendingTasks());
            }
        }
        return most;
    }

    /** The session of a client id, for tests and diagnostics. */
    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    /** Rebuilds saved sessions at start, each on its own loop. */
    public CompletableFuture<Void> restore(List<SessionState> saved) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (SessionState state : saved) {
            EventLoop loop = loopFor(state.clientId());
            done.add(CompletableFuture.runAsync(() -> {
                Session s = new Session(state.clientId(), owner(state), loop, services, this::ended);
                sessions.put(state.clientId(), s);
                s.restore(state);
            }, loop));
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    /** The owner a saved session belongs to; null when the state file did not record it. */
    private static ClientIdentity owner(SessionState state) {
        ClientIdentity.Kind kind = ClientIdentity.Kind.ofCode(state.ownerKind());
        if (kind == null || (state.ownerUsername() == null) != (kind == ClientIdentity.Kind.ANONYMOUS)) {
            return null;
        }
        return new ClientIdentity(state.clientId(), state.ownerUsername(), kind);
    }

    /** Applies changed access rules (a reload) to every session now, each on its own loop. Any thread. */
    public void recheckAccess() {
        for (Session s : sessions.values()) {
            s.executor().execute(s::recheckAccess);
        }
    }

    /** The state of every persistent session, each read on its own loop. */
    public CompletableFuture<List<SessionState>> save() {
        List<CompletableFuture<SessionState>> parts = new ArrayList<>();
        for (Session s : sessions.values()) {
            parts.add(CompletableFuture.supplyAsync(s::save, s.executor()));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<SessionState> out = new ArrayList<>();
            for (CompletableFuture<SessionState> p : parts) {
                SessionState st = p.join();
                if (st != null) {
                    out.add(st);
                }
            }
            return out;
        });
    }

    /** Tells every connected client that the broker is going away (MQTT 5: DISCONNECT 0x8B). */
    public CompletableFuture<Void> shutdown() {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Session s : sessions.values()) {
            done.add(CompletableFuture.runAsync(s::shutdown, s.executor()));
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }
}
