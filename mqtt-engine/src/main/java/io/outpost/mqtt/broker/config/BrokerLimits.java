package io.outpost.mqtt.broker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Resource limits of the broker.
 *
 * @param maxConnections      network connections at once; more are refused (CONNACK server unavailable / 0x97)
 * @param maxPacketSize       largest packet accepted, in bytes (told to MQTT 5 clients as Maximum Packet Size)
 * @param maxQueuedBytes      per session: bytes of messages waiting to be sent before the slow-subscriber policy acts
 * @param maxInflight         per session: unacknowledged QoS 1/2 messages in each direction (Receive Maximum)
 * @param maxSessionExpiry    longest time a disconnected persistent session is kept
 * @param maxKeepAlive        MQTT 5 clients asking for a longer keep-alive (or none) are told to use this; null: none
 * @param maxTopicAliases     Topic Alias Maximum offered to MQTT 5 clients (0: no aliases from clients)
 * @param connectTimeout      how long a new connection may take to send a complete CONNECT (a fixed deadline from
 *                            the moment the socket is accepted, however slowly the bytes trickle in)
 * @param quotas              broker-wide bounds on what clients can make the broker keep in memory
 */
public record BrokerLimits(int maxConnections, int maxPacketSize, long maxQueuedBytes, int maxInflight,
                           Duration maxSessionExpiry, Duration maxKeepAlive, int maxTopicAliases,
                           Duration connectTimeout, Quotas quotas) {

    public static final BrokerLimits DEFAULT = new BrokerLimits(10_000, 1 << 20, 8L << 20, 32, Duration.ofDays(7),
            null, 32, Duration.ofSeconds(10));

    /**
     * Connections accepted beyond {@code maxConnections} only to be told why (CONNACK 0x03 / 0x97) within the
     * connect timeout; a socket beyond that is closed as soon as it is accepted.
     */
    public static final int REFUSAL_HEADROOM = 32;

    /**
     * What a broker on a 256 MB heap can keep whatever its clients do. Each bound is refused with a reason the client
     * understands and counted.
     *
     * @param maxRetainedMessages        retained messages in total (also what {@code state.bin} holds)
     * @param maxRetainedBytes           bytes of retained messages in total (topic + payload + 64 per message)
     * @param maxTotalQueuedBytes        bytes waiting in all sessions' queues together (online and offline)
     * @param maxPersistentSessions      sessions that outlive their connection (session expiry above 0), online or not
     * @param maxSubscriptionsPerClient  subscriptions of one session
     * @param maxSubscriptions           subscriptions of all sessions together
     * @param maxPendingLoginsPerAddress password checks waiting at once for one source address
     */
    public record Quotas(long maxRetainedMessages, long maxRetainedBytes, long maxTotalQueuedBytes,
                         int maxPersistentSessions, int maxSubscriptionsPerClient, int maxSubscriptions,
                         int maxPendingLoginsPerAddress) {

        public static final Quotas DEFAULT = new Quotas(100_000, 32L << 20, 64L << 20, 1_000, 1_000, 100_000, 8);

        public Quotas {
            positive("max-retained-messages", maxRetainedMessages);
            positive("max-retained-bytes", maxRetainedBytes);
            positive("max-total-queued-bytes", maxTotalQueuedBytes);
            positive("max-persistent-sessions", maxPersistentSessions);
            positive("max-subscriptions-per-client", maxSubscriptionsPerClient);
            positive("max-subscriptions", maxSubscriptions);
            positive("max-pending-logins-per-address", maxPendingLoginsPerAddress);
        }

        private static void positive(String key, long value) {
            if (value < 1) {
                throw new IllegalArgumentException(key + " must be at least 1, found " + value);
            }
        }
    }

    /** Limits with the default quotas. */
    public BrokerLimits(int maxConnections, int maxPacketSize, long maxQueuedBytes, int maxInflight,
                        Duration maxSessionExpiry, Duration maxKeepAlive, int maxTopicAliases,
                        Duration connectTimeout) {
        this(maxConnections, maxPacketSize, maxQueuedBytes, maxInflight, maxSessionExpiry, maxKeepAlive,
                maxTopicAliases, connectTimeout, Quotas.DEFAULT);
    }

    public BrokerLimits {
        Objects.requireNonNull(quotas, "quotas");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max-connections must be at least 1, found " + maxConnections);
        }
        if (maxPacketSize < 64) {
            throw new IllegalArgumentException("max-packet-size must be at least 64 bytes, found " + maxPacketSize);
        }
        if (maxQueuedBytes < 1024) {
            throw new IllegalArgumentException("max-queued-bytes must be at least 1KB, found " + maxQueuedBytes);
        }
        if (maxInflight < 1 || maxInflight > 65_535) {
            throw new IllegalArgumentException("max-inflight must be between 1 and 65535, found " + maxInflight);
        }
        if (maxTopicAliases < 0 || maxTopicAliases > 65_535) {
            throw new IllegalArgumentException("max-topic-aliases must be between 0 and 65535, found " + maxTopicAliases);
        }
    }

    /** Session expiry cap in seconds as MQTT counts it. */
    public long maxSessionExpirySeconds() {
        return maxSessionExpiry.toSeconds();
    }
}
