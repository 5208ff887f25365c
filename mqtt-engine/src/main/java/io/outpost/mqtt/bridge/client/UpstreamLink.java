package io.outpost.mqtt.bridge.client;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import io.outpost.core.log.SafeText;
import io.outpost.core.poll.JitteredBackoff;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.bridge.health.LinkBytes;
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
 * Keeps an upstream connected: tries the servers in order (the next one at once after a failure), waits a jittered
 * exponential backoff after a round in which all failed, starts again from the first server after a connection
 * drops, and detects a half-open connection with keep-alive (a PINGREQ when nothing was sent or received for the
 * keep-alive, and the connection closed when no answer comes within it). Confined to the upstream's thread.
 */
public final class UpstreamLink {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamLink.class);
    /** A connection that lasted less than this counts as a failure for the backoff (a server that kicks at once). */
    private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SUMMARY_NANOS = TimeUnit.MINUTES.toNanos(10);

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

    private LinkState state = LinkState.STOPPED;
    private UpstreamConnection current;
    private int serverIndex;
    private int failures;
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

    public UpstreamLink(UpstreamConfig config, EventLoopGroup group, ScheduledExecutorService loop, Events events,
                        SslContext ssl, RandomGenerator random, LinkBytes bytes, Supplier<MqttPackets.Will> will) {
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
        UpstreamConnection.connect(group, server, server.tls() ? ssl : null, config.tls().sni(), settings(),
                config.connectTimeout(), loop, events, bytes.handler(), config.uplink().topicAliases())
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
        current = c;
        state = LinkState.CONNECTED;
        outageReported = false;
        connectedAtNanos = System.nanoTime();
        connectedAtMillis = System.currentTimeMillis();
        pingSentNanos = -1;
        long down = (connectedAtNanos - downSinceNanos) / 1_000_000_000L;
        LOG.info("upstream {}: connected to {} (MQTT {}, session {}, receive maximum {}{})", config.name(), c.server(),
                config.protocol().text(), c.connAck().sessionPresent() ? "resumed" : "new",
                c.connAck().receiveMaximum(), down > 0 ? ", after " + down + " s down" : "");
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
        if (serverIndex + 1 < config.servers().size()) {
            serverIndex++;
            attempt();
            return;
        }
        failures++;
        scheduleRound();
    }

    private void scheduleRound() {
        serverIndex = 0;
        state = LinkState.WAITING;
        long delay = backoff.delayNanos(Math.max(1, failures));
        retry = loop.schedule(() -> {
            if (state == LinkState.WAITING) {
                attempt();
            }
        }, delay, TimeUnit.NANOSECONDS);
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
        dropReason = null;
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
        failures = now - connectedAtNanos < STABLE_NANOS ? failures + 1 : 1;
        scheduleRound();
    }

    /** Closes the current connection (stall, half-open); it is reconnected like any dropped connection. */
    public void drop(String why) {
        if (current != null) {
            dropReason = why;
            current.close();
        }
    }

    /** A PINGRESP came. */
    public void pong() {
        pingSentNanos = -1;
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
