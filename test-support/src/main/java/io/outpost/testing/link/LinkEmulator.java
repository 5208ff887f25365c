package io.outpost.testing.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user-space TCP proxy on a free loopback port that plays a bad wide-area link between a client and a server:
 * latency each way, a bandwidth cap each way, a black hole (data vanishes, connections stay open: a stalled or
 * half-open link), resets, the link down (new connections refused, existing ones reset), a cut (the radio link is
 * gone: nothing passes, nobody is told, new connections hang) and flapping on a schedule. The kernel here has no
 * netem, so tests use this instead. Thread-safe; close it to stop.
 *
 * <p><b>A cut as TCP sees it.</b> While {@link #cut()} is on, data of open connections is held, not lost, and
 * delivered in order at {@link #heal()} (TCP would retransmit it), closes included; a new connection's SYN gets no
 * answer, so the client's connect hangs and its kernel retransmits the SYN after 1, 3, 7... s exactly as on a dead
 * path. The proxy does that by no longer accepting and filling its small accept queue with connections of its own:
 * Linux drops SYNs for a listener whose accept queue is full.
 */
public final class LinkEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkEmulator.class);
    /** Small, so that a cut fills it with a few connections; the accept thread keeps it empty otherwise. */
    private static final int BACKLOG = 8;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<ProxiedConnection> connections = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private final AtomicInteger accepted = new AtomicInteger();
    final Direction upstream;
    final Direction downstream;
    private volatile boolean down;
    private volatile boolean closed;
    private ScheduledFuture<?> flapping;
    /** Guards the cut: the accept thread and the writers wait on it while the link is cut. */
    private final Object cutLock = new Object();
    private boolean cut;
    private final List<Socket> fillers = new CopyOnWriteArrayList<>();
    private final java.util.Set<Integer> fillerLocalPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private LinkEmulator(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        this.upstream = new Direction("client->server");
        this.downstream = new Direction("server->client");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "link-timer-" + server.getLocalPort()));
        daemon(this::acceptLoop, "link-accept-" + server.getLocalPort()).start();
    }

    /** Starts a proxy on a free loopback port forwarding to {@code host:port}. */
    public static LinkEmulator start(String host, int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
            return new LinkEmulator(s, new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the link emulator", e);
        }
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Delay added to every byte in each direction (a satellite hop is about 300 ms each way). */
    public LinkEmulator latency(Duration oneWay) {
        upstream.latencyNanos = oneWay.toNanos();
        downstream.latencyNanos = oneWay.toNanos();
        return this;
    }

    /** Bytes per second in each direction, shared by all connections; 0 for no cap. */
    public LinkEmulator bandwidth(long bytesPerSecond) {
        upstream.bytesPerSecond = bytesPerSecond;
        downstream.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** While on, data in both directions is discarded and connections stay open: nobody sees an error. */
    public LinkEmulator blackHole(boolean on) {
        upstream.blackHole = on;
        downstream.blackHole = on;
        return this;
    }

    /** Takes the link down: every connection is reset and new ones are reset as soon as they are accepted. */
    public void down() {
        down = true;
        resetConnections();
    }

    public void up() {
        down = false;
    }

    /**
     * Cuts the link: nothing passes in either direction and nobody gets an error; data and closes of open
     * connections wait for {@link #heal()}; new connections hang in the SYN phase (see the class comment).
     */
    public void cut() {
        synchronized (cutLock) {
            if (cut) {
                return;
            }
            cut = true;
        }
        fillAcceptQueue();
    }

    /** Ends a cut: held data flows on, hanging connects complete at their client's next SYN retransmission. */
    public void heal() {
        synchronized (cutLock) {
            cut = false;
            cutLock.notifyAll();
        }
        for (Socket f : fillers) {
            ProxiedConnection.resetQuietly(f);
        }
        fillers.clear();
    }

    public boolean isCut() {
        synchronized (cutLock) {
            return cut;
        }
    }

    /** Blocks while the link is cut (writers call it before each chunk). */
    void awaitHealed() throws InterruptedException {
        synchronized (cutLock) {
            while (cut && !closed) {
                cutLock.wait(100);
            }
        }
    }

    /**
     * Opens connections to the listener until the kernel stops completing them: from then on SYNs are dropped. Two
     * connects in a row must time out before the queue counts as full: on a loaded machine one handshake that does
     * complete can take longer than the timeout, and stopping there would leave room for the client's SYN.
     */
    private void fillAcceptQueue() {
        int timedOutInARow = 0;
        for (int i = 0; i < BACKLOG * 4; i++) {
            Socket f = new Socket();
            try {
                f.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                fillerLocalPorts.add(f.getLocalPort());
                fillers.add(f);
                // Less than the kernel's first SYN retransmission (1 s), so a dropped SYN is told by the timeout.
                f.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 800);
                timedOutInARow = 0;
            } catch (java.net.SocketTimeoutException e) {
                // Most likely the accept queue is full and SYNs to this port are dropped now; a second one says so.
                ProxiedConnection.resetQuietly(f);
                if (++timedOutInARow == 2) {
                    return;
                }
            } catch (IOException e) {
                ProxiedConnection.resetQuietly(f);
                LOG.warn("link emulator {}: a connection to fill the accept queue failed: {}", port(), e.toString());
            }
        }
        LOG.warn("link emulator {}: the accept queue did not fill; new connections are not held during the cut", port());
    }

    /** Resets (RST) every open connection; new ones are accepted as before. */
    public void resetConnections() {
        for (ProxiedConnection c : connections) {
            c.reset();
        }
    }

    /** Goes down for {@code downFor}, then up for {@code upFor}, and again, until {@link #stopFlapping()}. */
    public synchronized void flap(Duration upFor, Duration downFor) {
        stopFlapping();
        long period = upFor.toNanos() + downFor.toNanos();
        flapping = timer.scheduleAtFixedRate(() -> {
            down();
            timer.schedule(this::up, downFor.toNanos(), TimeUnit.NANOSECONDS);
        }, upFor.toNanos(), period, TimeUnit.NANOSECONDS);
    }

    public synchronized void stopFlapping() {
        if (flapping != null) {
            flapping.cancel(false);
            flapping = null;
        }
    }

    /** Connections accepted so far (including those reset at once while down). */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Open connections. */
    public int openConnections() {
        return connections.size();
    }

    /** Bytes passed from client to server (not counting what a black hole swallowed). */
    public long bytesToServer() {
        return upstream.forwarded.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("link emulator {}: accept failed: {}", port(), e.toString());
                }
                return;
            }
            if (fillerLocalPorts.remove(client.getPort())) {
                // One of the cut's own connections (closed by now, or about to be): not a client.
                ProxiedConnection.resetQuietly(client);
                awaitHealedQuietly();
                continue;
            }
            accepted.incrementAndGet();
            if (isCut()) {
                // Its handshake completed just before the cut took hold: it is open but nothing passes until the heal.
                awaitHealedQuietly();
            }
            if (down) {
                ProxiedConnection.resetQuietly(client);
                continue;
            }
            Socket upstreamSocket = new Socket();
            try {
                upstreamSocket.connect(target, 5_000);
            } catch (IOException e) {
                // The server is not there: the client sees a reset, as it would from a dead host's firewall.
                ProxiedConnection.resetQuietly(client);
                ProxiedConnection.resetQuietly(upstreamSocket);
                continue;
            }
            ProxiedConnection c = new ProxiedConnection(this, client, upstreamSocket);
            connections.add(c);
            c.start();
        }
    }

    private void awaitHealedQuietly() {
        try {
            awaitHealed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void closed(ProxiedConnection c) {
        connections.remove(c);
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        closed = true;
        heal();
        stopFlapping();
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("link emulator {}: closing: {}", port(), e.toString());
        }
        resetConnections();
        timer.shutdownNow();
    }
}
