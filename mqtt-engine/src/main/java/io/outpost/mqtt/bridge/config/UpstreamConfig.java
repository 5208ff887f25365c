package io.outpost.mqtt.bridge.config;

import io.outpost.core.config.BackoffConfig;
import io.outpost.core.config.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One cloud broker the gateway forwards to, validated at load. Immutable.
 *
 * @param servers          tried in order; after a failure the next one, after all of them the backoff
 * @param username         or null
 * @param password         or null
 * @param tls              settings of the {@code mqtts://} servers (defaults when none are given)
 * @param keepAlive        keep-alive asked for in CONNECT ({@link Duration#ZERO} for none; not advised)
 * @param cleanStart       start a new session at each connection (loses exactly-once across reconnects)
 * @param sessionExpiry    MQTT 5 session expiry interval; null asks for a session that never expires
 * @param inflightWindow   most QoS 1/2 messages unacknowledged at a time (lowered to the server's Receive Maximum)
 * @param rateLimit        bytes per second the bridge may send, 0 for the link's full speed
 * @param stallTimeout     with messages in flight, no acknowledgement for this long means the link is stalled;
 *                         null ({@code auto}) derives it from the measured response times
 * @param probeInterval    while the transport fails, a new connect attempt starts this often
 * @param statusInterval   how often the status is published on the local {@code $SYS} topic
 * @param uplink           uplink economy: Sparkplug mode, dictionaries, will, topic aliases
 */
public record UpstreamConfig(
        String name,
        List<ServerUri> servers,
        MqttProtocol protocol,
        String clientId,
        String username,
        Secret password,
        UpstreamTlsConfig tls,
        Duration keepAlive,
        boolean cleanStart,
        Duration sessionExpiry,
        Duration connectTimeout,
        List<ForwardRule> forward,
        List<ReverseRule> reverse,
        StoreConfig store,
        int inflightWindow,
        long rateLimit,
        Duration stallTimeout,
        BackoffConfig backoff,
        Duration probeInterval,
        Duration statusInterval,
        UplinkConfig uplink) {

    public UpstreamConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(statusInterval, "statusInterval");
        Objects.requireNonNull(uplink, "uplink");
        servers = List.copyOf(servers);
        forward = List.copyOf(forward);
        reverse = List.copyOf(reverse);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("an upstream needs at least one server");
        }
        if (inflightWindow < 1 || inflightWindow > 65_535) {
            throw new IllegalArgumentException("inflightWindow must be between 1 and 65535, found " + inflightWindow);
        }
        if (rateLimit < 0) {
            throw new IllegalArgumentException("rateLimit must not be negative, found " + rateLimit);
        }
    }

    /** The local {@code $SYS}-style topic the status is published on (retained JSON). */
    public String statusTopic() {
        return "$SYS/outpost/upstreams/" + name;
    }
}
