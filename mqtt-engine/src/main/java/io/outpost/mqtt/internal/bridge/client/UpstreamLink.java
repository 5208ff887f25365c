package io.outpost.mqtt.internal.bridge.client;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import io.outpost.core.log.SafeText;
import io.outpost.core.time.JitteredBackoff;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an upstream connected: tries the servers in order (the next one at once after a failure), starts again
 * from the first server after a connection drops, and detects a half-open connection with keep-alive (a PINGREQ
 * when nothing was sent or received for the keep-alive, and the connection closed when no answer comes within it).
 *
 * <p><b>Down links are probed, refusals back off.</b> While the transport fails (no route, no answer to the SYN,
 * refused, a CONNACK that never came, a connection lost to a reset, a stall or keep-alive), a new attempt starts
 * every {@code probe-interval} (1 s, plus up to a quarter of it as jitter, so a fleet does not probe in step), and
 * each attempt's TCP handshake waits just under that (every fourth twice that, or three measured handshakes on a
 * slow path): a link that comes back unannounced is used again within about a second, and a probe on a dead path
 * costs one SYN (60 bytes, counted in the uplink bytes). The attempt sends CONNECT as soon as TCP is up. Only what the server decides
 * waits the jittered exponential {@code backoff}: a CONNACK refusal (bad credentials, not authorised, server busy,
 * quota), a TLS handshake it fails, a connection it closes before CONNACK, a connection that it ends within 10 s.
 * Timeouts of connect attempts come from the measured response times ({@link ResponseTimes}). Confined to the
 * upstream's thread.
 */
public final class UpstreamLink {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamLink.class);
    /** A connection that lasted less than this counts as a failure for the backoff (a server that kicks at once). */
    private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SUMMARY_NANOS = TimeUnit.MINUTES.toNanos(10);
    /**
     * Estimated IPv4 bytes of a TCP handshake, counted in the uplink bytes (the socket counter sees only payload):
     * a SYN with its options is 60 bytes, the SYN-ACK 60, the ACK 52, a refusal's RST 40.
     */
    static final long HANDSHAKE_SYN = 60;
    static final long HANDSHAKE_RST = 40;
    static final long HANDSHAKE_SENT_CONNECTED = 60 + 52;
    static final long HANDSHAKE_RECEIVED_CONNECTED = 60;

    /** What the link tells the upstream, on the upstream's thread. */
    public interface Events extends UpstreamConnection.Listener {
        void connected(UpstreamConnection connection);

        void disconnected(UpstreamConnection connection, String why);
    }

    private final UpstreamConfig config;
    private final EventLoopGroup group;
    private final ScheduledExecutorService loop;
    private final Events events;
    private final SslContext ssl;
    private final JitteredBackoff backoff;
    private final LinkBytes bytes;
    private final Supplier<MqttPackets.Will> will;
    private final ResponseTimes times;
    private final RandomGenerator random;
    private final Duration probeInterval;

    private LinkState state = LinkState.STOPPED;
    private UpstreamConnection current;
    private int serverIndex;
    /** Consecutive failures the server decided (refusals, kicks): what the backoff grows with. */
    private int refusals;
    private long attemptStartedNanos;
    /** Consecutive attempts whose TCP handshake failed: every fourth probe waits longer (see ResponseTimes). */
    private int transportFailures;
    private long connectedAtNanos;
    private long connectedAtMillis;
    private long downSinceNanos = System.nanoTime();
    private long lastSummaryNanos;
    private String lastError = "";
    private boolean outageReported;
    /** Why this side closed the current connection, when it did. */
    private String dropReason;
    private ScheduledFuture<?> retry;
    private long pingSentNanos = -1;
    private boolean serverDisconnected;

    public UpstreamLink(UpstreamConfig config, EventLoopGroup group, ScheduledExecutorService loop, Events events,
                        SslContext ssl, RandomGenerator random, LinkBytes bytes, Supplier<MqttPackets.Will> will) {
        this(config, group, loop, events, ssl, random, bytes, will, new ResponseTimes(config.stallTimeout()));
    }

    /** As above, with the upstream's response-time estimate (shared with its sender). */
    public UpstreamLink(UpstreamConfig config, EventLoopGroup group, ScheduledExecutorService loop, Events events,
                        SslContext ssl, RandomGenerator random, LinkBytes bytes, Supplier<MqttPackets.Will> will,
                        ResponseTimes times) {
        this.times = times;
        this.random = random;
        this.probeInterval = config.probeInterval();
        this.config = config;
        this.bytes = bytes;
        this.will = will;
        this.group = group;
        this.loop = loop;
        this.events = events;
        this.ssl = ssl;
        this.backoff = new JitteredBackoff(config.backoff(), random);
    }

    public void start() {
        if (state == LinkState.STOPPED) {
            serverIndex = 0;
            attempt();
        }
    }

    /** Disconnects (DISCONNECT, so the session stays) and stops reconnecting. */
    public void stop() {
        stop(false);
    }

    /**
     * Disconnects and stops reconnecting; with {@code leaveWill} so that the server publishes the connection's will
     * (the gateway says it is going), else with a normal DISCONNECT (which discards it).
     */
    public void stop(boolean leaveWill) {
        state = LinkState.STOPPED;
        if (retry != null) {
            retry.cancel(false);
        }
        if (current != null) {
            if (leaveWill) {
                current.disconnectWithWill(config.protocol() == MqttProtocol.V5);
            } else {
                current.disconnect();
            }
            current = null;
        }
    }

    public LinkState state() {
        return state;
    }

    /** The connected server, or null. */
    public UpstreamConnection current() {
        return current;
    }

    /** Wall-clock time the current connection came up (0 when none). */
    public long connectedAtMillis() {
        return current == null ? 0 : connectedAtMillis;
    }

    public String lastError() {
        return lastError;
    }

    private void attempt() {
        ServerUri server = config.servers().get(serverIndex);
        state = LinkState.CONNECTING;
        attemptStartedNanos = System.nanoTime();
        Duration timeout = Duration.ofNanos(times.connectTimeoutNanos(config.connectTimeout()));
        Duration tcpTimeout = Duration.ofNanos(times.tcpConnectTimeoutNanos(probeInterval, config.connectTimeout(),
                transportFailures % 4 == 3));
        UpstreamConnection.connect(group, server, server.tls() ? ssl : null, config.tls().sni(), this::settings,
                        tcpTimeout, timeout, loop, events, bytes.handler(), config.uplink().topicAliases())
                .whenComplete((c, err) -> loop.execute(() -> {
                    if (err == null) {
                        onConnected(c);
                    } else {
                        onFailed(server, err);
                    }
                }));
    }

    private void onConnected(UpstreamConnection c) {
        if (state == LinkState.STOPPED) {
            c.disconnect();
            return;
        }
        bytes.handshake(HANDSHAKE_SENT_CONNECTED, HANDSHAKE_RECEIVED_CONNECTED);
        transportFailures = 0;
        if (c.tcpConnectedNanos() > c.startedNanos()) {
            times.handshake(c.tcpConnectedNanos() - c.startedNanos());
        }
        if (c.connectSentNanos() > 0 && c.connAckNanos() > c.connectSentNanos()) {
            times.answered(c.connectSentNanos(), c.connAckNanos(), 0);
        }
        current = c;
        state = LinkState.CONNECTED;
        outageReported = false;
        connectedAtNanos = System.nanoTime();
        connectedAtMillis = System.currentTimeMillis();
        pingSentNanos = -1;
        long downMillis = (connectedAtNanos - downSinceNanos) / 1_000_000L;
        LOG.info("upstream {}: connected to {} (MQTT {}, session {}, receive maximum {}{})", config.name(), c.server(),
                config.protocol().text(), c.connAck().sessionPresent() ? "resumed" : "new",
                c.connAck().receiveMaximum(), downMillis >= 1000 ? ", after " + downMillis / 1000 + " s down" : "");
        events.connected(c);
    }

    private void onFailed(ServerUri server, Throwable err) {
        if (state == LinkState.STOPPED) {
            return;
        }
        String why = describe(err);
        long now = System.nanoTime();
        if (!outageReported) {
            // One warning per outage; its reasons change with every attempt (refused, reset, timeout).
            LOG.warn("upstream {}: cannot connect to {}: {}", config.name(), server, why);
            outageReported = true;
            lastSummaryNanos = now;
        } else if (now - lastSummaryNanos > SUMMARY_NANOS) {
            LOG.info("upstream {}: still not connected after {} min: {}", config.name(),
                    (now - downSinceNanos) / 60_000_000_000L, why);
            lastSummaryNanos = now;
        } else {
            LOG.debug("upstream {}: cannot connect to {}: {}", config.name(), server, why);
        }
        lastError = why;
        boolean refusal = countHandshake(err);
        if (serverIndex + 1 < config.servers().size()) {
            serverIndex++;
            attempt();
            return;
        }
        if (refusal) {
            refusals++;
            scheduleRound(backoff.delayNanos(refusals));
        } else {
            scheduleProbe(attemptStartedNanos);
        }
    }

    /**
     * Counts the estimated bytes of a failed attempt's TCP handshake and says whether the failure is one the server
     * decided (backoff) rather than the transport (probe again soon).
     */
    private boolean countHandshake(Throwable err) {
        Throwable t = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
        if (t instanceof TcpConnectException te) {
            transportFailures++;
            bytes.handshake(HANDSHAKE_SYN * synsWithin(te.waitedNanos()), te.answered() ? HANDSHAKE_RST : 0);
            return false;
        }
        bytes.handshake(HANDSHAKE_SENT_CONNECTED, HANDSHAKE_RECEIVED_CONNECTED);
        if (t instanceof ConnAckTimeoutException) {
            times.connectTimedOut();
            return false;
        }
        // A CONNACK refusal, a TLS handshake the server failed, a connection it closed before CONNACK.
        return true;
    }

    /** SYNs the kernel sent in an attempt that waited this long: the first, then again after 1, 3, 7, 15... s. */
    static int synsWithin(long waitedNanos) {
        int syns = 1;
        long at = TimeUnit.SECONDS.toNanos(1);
        while (at <= waitedNanos && syns < 8) {
            syns++;
            at = 2 * at + TimeUnit.SECONDS.toNanos(1);
        }
        return syns;
    }

    /** The next probe: {@code probe-interval} after the last attempt began (at once if that is past), plus jitter. */
    private void scheduleProbe(long lastAttemptNanos) {
        long interval = probeInterval.toNanos();
        long jitter = (long) (interval * 0.25 * random.nextDouble());
        long delay = Math.max(0, lastAttemptNanos + interval - System.nanoTime()) + jitter;
        scheduleRound(delay);
    }

    private void scheduleRound(long delayNanos) {
        serverIndex = 0;
        state = LinkState.WAITING;
        retry = loop.schedule(() -> {
            if (state == LinkState.WAITING) {
                attempt();
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** The connection closed (by either side, or by {@link #drop}). */
    public void closed(UpstreamConnection c, Throwable cause) {
        if (c != current) {
            return;
        }
        current = null;
        long now = System.nanoTime();
        downSinceNanos = now;
        String why = dropReason != null ? dropReason : cause == null ? "connection closed" : describe(cause);
        // A close without an IO error and without this side asking is the server's decision (FIN, DISCONNECT).
        boolean byServer = dropReason == null && (cause == null || serverDisconnected);
        dropReason = null;
        serverDisconnected = false;
        lastError = why;
        boolean stopped = state == LinkState.STOPPED;
        if (!stopped) {
            state = LinkState.WAITING;
        }
        events.disconnected(c, why);
        if (stopped) {
            return;
        }
        LOG.warn("upstream {}: disconnected from {}: {}", config.name(), c.server(), why);
        boolean kicked = byServer && now - connectedAtNanos < STABLE_NANOS;
        if (kicked) {
            // The server ends the connection at once (take-over by another client with this id, an ACL, a quota).
            refusals++;
            scheduleRound(backoff.delayNanos(refusals));
        } else {
            refusals = 0;
            // The link or the server went away: try again at once, then probe.
            scheduleProbe(now - probeInterval.toNanos());
        }
    }

    /** Closes the current connection (stall, half-open); it is reconnected like any dropped connection. */
    public void drop(String why) {
        if (current != null) {
            dropReason = why;
            current.close();
        }
    }

    /** A PINGRESP came: one sample of the link's response time. */
    public void pong() {
        if (pingSentNanos >= 0) {
            times.answered(pingSentNanos, System.nanoTime(), 0);
        }
        pingSentNanos = -1;
    }

    /** The server sent DISCONNECT (MQTT 5): the close that follows is its decision. */
    public void serverDisconnected() {
        serverDisconnected = true;
    }

    /** The upstream's response-time estimate. */
    public ResponseTimes responseTimes() {
        return times;
    }

    /** Keep-alive: called periodically on the upstream's thread. */
    public void checkKeepAlive(long nowNanos) {
        UpstreamConnection c = current;
        if (c == null) {
            return;
        }
        int server = c.connAck().serverKeepAlive();
        long keepAlive = TimeUnit.SECONDS.toNanos(server >= 0 ? server : config.keepAlive().toSeconds());
        if (keepAlive == 0) {
            return;
        }
        if (pingSentNanos >= 0) {
            if (c.lastReadNanos() > pingSentNanos) {
                pingSentNanos = -1;
            } else if (nowNanos - pingSentNanos > keepAlive) {
                String why = "no answer to PINGREQ within " + Duration.ofNanos(keepAlive).toSeconds() + " s (half-open connection)";
                LOG.warn("upstream {}: {} {}; reconnecting", config.name(), c.server(), why);
                drop(why);
            }
            return;
        }
        if (nowNanos - c.lastWriteNanos() >= keepAlive || nowNanos - c.lastReadNanos() >= keepAlive) {
            pingSentNanos = nowNanos;
            c.send(List.of(MqttPackets.pingReq()), null);
        }
    }

    private MqttPackets.ConnectSettings settings() {
        Long expiry = config.sessionExpiry() == null ? null : config.sessionExpiry().toSeconds();
        return new MqttPackets.ConnectSettings(
                config.protocol() == MqttProtocol.V5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1,
                config.clientId(), config.username(),
                config.password() == null ? null : config.password().reveal().getBytes(StandardCharsets.UTF_8),
                config.cleanStart(), (int) config.keepAlive().toSeconds(), expiry, 100, UpstreamConnection.MAX_INBOUND_PACKET,
                will == null ? null : will.get());
    }

    private static String describe(Throwable err) {
        Throwable t = err;
        while (t.getCause() != null && (t instanceof CompletionException || t.getMessage() == null)) {
            t = t.getCause();
        }
        // Messages can carry the server's reason string: a peer's text, escaped before it reaches the log.
        if (t instanceof ConnectRefusedException || t instanceof IOException && t.getMessage() != null) {
            return SafeText.of(t.getMessage());
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + SafeText.of(t.getMessage()));
    }
}
