package io.outpost.adapter.opcua.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A device's {@code connection:}, {@code subscription:} and {@code keep-alive:} settings, validated at load.
 *
 * @param endpoint           the server's endpoint URL ({@code opc.tcp://host:port/path}); discovery runs against it
 *                           and the selected endpoint keeps this host and port (servers often announce names the
 *                           gateway cannot resolve)
 * @param publishingInterval how often the server sends the subscription's changes; null: the device's poll-interval
 * @param keepAliveInterval  how long the session may be silent (no data, no keep-alive, no answer) before the
 *                           gateway probes it
 * @param keepAliveFailures  probes that may fail in a row before the session is declared dead and reconnected
 * @param sessionTimeout     how long the server keeps the session (and its subscription) while the link is down
 */
public record OpcUaDeviceSettings(
        String endpoint,
        SecurityPolicyName securityPolicy,
        SecurityModeName securityMode,
        UserAuth auth,
        TrustMode trust,
        Duration publishingInterval,
        Duration keepAliveInterval,
        int keepAliveFailures,
        Duration sessionTimeout) {

    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(5);
    public static final int DEFAULT_KEEP_ALIVE_FAILURES = 2;
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(2);

    public OpcUaDeviceSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(securityPolicy, "securityPolicy");
        Objects.requireNonNull(securityMode, "securityMode");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    }

    /** The publishing interval to request: the configured one, else the device's poll-interval. */
    public Duration effectivePublishingInterval(Duration pollInterval) {
        return publishingInterval != null ? publishingInterval : pollInterval;
    }

    /** Settings for a connection with everything else at its default; for the browser and tests. */
    public static OpcUaDeviceSettings of(String endpoint, SecurityPolicyName policy, SecurityModeName mode,
                                         UserAuth auth, TrustMode trust) {
        return new OpcUaDeviceSettings(endpoint, policy, mode, auth, trust, null, DEFAULT_KEEP_ALIVE,
                DEFAULT_KEEP_ALIVE_FAILURES, DEFAULT_SESSION_TIMEOUT);
    }
}
