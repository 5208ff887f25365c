package io.outpost.mqtt.broker.config;

import java.time.Duration;

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
 * @param connectTimeout      how long a new connection may take to send CONNECT
 */
public record BrokerLimits(int maxConnections, int maxPacketSize, long maxQueuedBytes, int maxInflight,
                           Duration maxSessionExpiry, Duration maxKeepAlive, int maxTopicAliases,
                           Duration connectTimeout) {

    public static final BrokerLimits DEFAULT = new BrokerLimits(10_000, 1 << 20, 8L << 20, 32, Duration.ofDays(7),
            null, 32, Duration.ofSeconds(10));

    public BrokerLimits {
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
