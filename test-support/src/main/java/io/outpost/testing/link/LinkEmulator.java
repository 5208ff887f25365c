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
 * half-open link), resets, the link down (new connections refused, existing ones reset), and flapping on a
 * schedule. The kernel here has no netem, so tests use this instead. Thread-safe; close it to stop.
 */
public final class LinkEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkEmulator.class);

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
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
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
            accepted.incrementAndGet();
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
