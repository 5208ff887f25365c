package io.outpost.mqtt.broker.session;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.outpost.mqtt.broker.persist.SessionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every session by client identifier. A client id always maps to the same event loop (its session's owner), so a
 * take-over, a clean start and the session's own work for one client id are serialized on that loop without locks.
 * Thread-safe.
 */
public final class SessionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final List<EventLoop> loops = new ArrayList<>();
    private final SessionServices services;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public SessionRegistry(EventLoopGroup group, SessionServices services) {
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        this.services = services;
    }

    /** The loop that owns the session of {@code clientId}. */
    public EventLoop loopFor(String clientId) {
        return loops.get(Math.floorMod(clientId.hashCode(), loops.size()));
    }

    /**
     * Connects a client: takes over a connection with the same id, starts a new session or resumes the old one,
     * then sends CONNACK. Any thread; the work runs on the client id's loop, before any packet the connection
     * hands over afterwards.
     */
    public void connect(ConnectRequest request, ClientSettings settings) {
        EventLoop loop = loopFor(request.clientId());
        if (loop.inEventLoop()) {
            doConnect(request, settings, loop);
        } else {
            loop.execute(() -> doConnect(request, settings, loop));
        }
    }

    private void doConnect(ConnectRequest request, ClientSettings settings, EventLoop loop) {
        String id = request.clientId();
        Session session = sessions.get(id);
        if (session != null) {
            session.takeOver();
            if (request.cleanStart()) {
                session.end();
            }
            if (session.ended()) {
                session = null;
            }
        }
        boolean present = session != null;
        if (session == null) {
            session = new Session(id, loop, services, this::ended);
            sessions.put(id, session);
        }
        session.attach(request, settings, present);
        LOG.debug("client {} connected ({}), session {}", id, request.link().describe(), present ? "resumed" : "new");
    }

    private void ended(Session s) {
        sessions.remove(s.clientId(), s);
    }

    public int size() {
        return sessions.size();
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
                Session s = new Session(state.clientId(), loop, services, this::ended);
                sessions.put(state.clientId(), s);
                s.restore(state);
            }, loop));
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
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
