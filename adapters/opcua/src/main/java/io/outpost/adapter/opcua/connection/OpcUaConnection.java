package io.outpost.adapter.opcua.connection;

import io.outpost.adapter.opcua.config.OpcUaDeviceSettings;
import io.outpost.adapter.opcua.security.UntrustedServerCertificateException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.config.BackoffConfig;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.core.time.Cancellable;
import io.outpost.core.time.TaskScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one device's session up. The first connection is attempted (discovery, endpoint choice, secure channel,
 * session) until it succeeds, with the device's backoff between attempts and the client rebuilt each time, so a
 * server that changed its endpoints or certificate is picked up. From then on Milo reconnects by itself, reactivating
 * the session or creating a new one and transferring the subscriptions; a {@link KeepAliveWatchdog} closes the
 * channel when a session goes silent, which starts that recovery. Status changes go to {@code status}.
 *
 * <p>Thread-safe. Blocking work (certificate files) runs on the device's IO executor.
 */
public final class OpcUaConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaConnection.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final String device;
    private final OpcUaDeviceSettings settings;
    private final ClientFactory factory;
    private final TaskScheduler scheduler;
    private final Executor io;
    private final BackoffConfig backoff;
    private final ConnectionListener listener;
    private final Consumer<DeviceStatus> status;
    private final KeepAliveWatchdog watchdog;
    private final Counter failures;

    private volatile OpcUaClient client;
    private volatile boolean active;
    private volatile String lastReason = "connecting";
    private boolean closed;
    private int failedAttempts;
    private Cancellable retry = Cancellable.NONE;

    public OpcUaConnection(String device, OpcUaDeviceSettings settings, ClientFactory factory, TaskScheduler scheduler,
                           Executor io, BackoffConfig backoff, ConnectionListener listener,
                           Consumer<DeviceStatus> status, MeterRegistry meters) {
        this.device = device;
        this.settings = settings;
        this.factory = factory;
        this.scheduler = scheduler;
        this.io = io;
        this.backoff = backoff;
        this.listener = listener;
        this.status = status;
        this.failures = Counter.builder("outpost.opcua.connect.failures").tag("device", device)
                .description("failed attempts to open a session").register(meters);
        this.watchdog = new KeepAliveWatchdog(scheduler, settings.keepAliveInterval(), settings.keepAliveFailures(),
                this::probe, this::declareDead);
    }

    /** Starts connecting in the background; returns at once. */
    public void start() {
        io.execute(this::attempt);
    }

    /** The client while a session is active, else null. */
    public OpcUaClient activeClient() {
        return active ? client : null;
    }

    /** Why there is no session (the last failure), for reads that arrive meanwhile. */
    public String lastReason() {
        return lastReason;
    }

    /** Something arrived from the server: the session is alive. Any thread. */
    public void activity() {
        watchdog.activity();
    }

    private void attempt() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        factory.create(io).thenCompose(c -> {
            synchronized (this) {
                if (closed) {
                    return CompletableFuture.failedFuture(new IllegalStateException("closed"));
                }
                client = c;
            }
            c.addSessionActivityListener(new SessionActivityListener() {
                @Override
                public void onSessionActive(UaSession session) {
                    sessionActive(c);
                }

                @Override
                public void onSessionInactive(UaSession session) {
                    sessionInactive(c);
                }
            });
            return c.connectAsync();
        }).whenComplete((c, error) -> {
            if (error != null) {
                attemptFailed(error);
            }
        });
    }

    private void attemptFailed(Throwable error) {
        OpcUaClient failed;
        long delayMillis;
        synchronized (this) {
            if (closed) {
                return;
            }
            failed = client;
            client = null;
            failedAttempts++;
            failures.increment();
            Duration base = backoff.baseDelay(failedAttempts);
            double spread = 1 + backoff.jitter() * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
            delayMillis = Math.max(1, (long) (base.toMillis() * spread));
            retry = scheduler.schedule(Duration.ofMillis(delayMillis), () -> io.execute(this::attempt));
        }
        String reason = FailureReasons.of(error);
        if (reason.startsWith(UntrustedServerCertificateException.REASON_PREFIX)) {
            // ServerCertificateCheck told the operator once per certificate, with the file to move.
            LOG.debug("device {}: connect attempt {} refused the server certificate; next in {} ms", device,
                    failedAttempts, delayMillis);
        } else if (failedAttempts == 1 || !reason.equals(lastReason)) {
            LOG.warn("device {}: cannot connect to {} ({}: {}); retrying in {} ms and on with backoff", device,
                    settings.endpoint(), reason, FailureReasons.describe(error), delayMillis);
        } else {
            LOG.debug("device {}: connect attempt {} failed ({}); next in {} ms", device, failedAttempts, reason,
                    delayMillis);
        }
        lastReason = reason;
        status.accept(DeviceStatus.offline(reason, scheduler.clock().instant()));
        listener.sessionLost(reason);
        if (failed != null) {
            failed.disconnectAsync().whenComplete((ok, e) -> LOG.trace("device {}: failed client released", device));
        }
    }

    private void sessionActive(OpcUaClient c) {
        synchronized (this) {
            if (closed || c != client) {
                return;
            }
            failedAttempts = 0;
        }
        LOG.info("device {}: session active on {} ({} / {}, {})", device, c.getConfig().getEndpoint().getEndpointUrl(),
                settings.securityPolicy().configName(), settings.securityMode().configName(), settings.auth().describe());
        active = true;
        lastReason = "";
        watchdog.start();
        status.accept(DeviceStatus.online(scheduler.clock().instant()));
        listener.sessionActive(c);
    }

    private void sessionInactive(OpcUaClient c) {
        if (c != client) {
            return;
        }
        boolean wasActive = active;
        active = false;
        watchdog.stop();
        if (lastReason.isEmpty()) {
            lastReason = "comm-lost";
        }
        if (wasActive) {
            LOG.warn("device {}: session to {} lost ({}); reconnecting", device, settings.endpoint(), lastReason);
        }
        status.accept(DeviceStatus.offline(lastReason, scheduler.clock().instant()));
        listener.sessionLost(lastReason);
    }

    private CompletionStage<?> probe() {
        OpcUaClient c = activeClient();
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        return c.readValuesAsync(0.0, TimestampsToReturn.Neither, List.of(NodeIds.Server_ServerStatus_State))
                .orTimeout(settings.keepAliveInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void declareDead(String why) {
        OpcUaClient c = client;
        LOG.warn("device {}: session to {} declared dead ({}); reconnecting", device, settings.endpoint(), why);
        lastReason = "keep-alive-timeout";
        if (c != null && c.getTransport() instanceof OpcTcpClientTransport tcp) {
            // Closing the channel makes Milo's session machine reconnect and reactivate (or recreate) the session.
            io.netty.channel.Channel channel = tcp.getChannelFsm().getChannel().getNow(null);
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** Stops reconnecting and closes the session; blocks up to a few seconds. */
    @Override
    public void close() {
        OpcUaClient c;
        synchronized (this) {
            closed = true;
            retry.cancel();
            c = client;
            client = null;
        }
        active = false;
        watchdog.stop();
        if (c != null) {
            try {
                c.disconnectAsync().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debug("device {}: session did not close cleanly: {}", device, FailureReasons.describe(e));
            }
        }
    }
}
