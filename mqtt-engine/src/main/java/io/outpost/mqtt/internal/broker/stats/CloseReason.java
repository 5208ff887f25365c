package io.outpost.mqtt.internal.broker.stats;

import java.util.Locale;

/**
 * Why a client's network connection ended, as counted in {@code outpost.broker.connections.closed{reason}}. The
 * broker's own decisions are logged, one line per connection; a client that disconnects or goes away is not.
 */
public enum CloseReason {
    /** The client sent DISCONNECT. */
    CLIENT_DISCONNECT(false),
    /** The client closed or reset the connection without DISCONNECT (or the network lost it). */
    CONNECTION_LOST(false),
    /** CONNECT with bad credentials, or a client not authorized to connect (CONNACK refusal). */
    AUTH_FAILED(true),
    /** A CONNECT the broker cannot accept: protocol version, client id, malformed (CONNACK refusal). */
    BAD_CONNECT(true),
    /** {@code max-connections} reached (CONNACK refusal). */
    MAX_CONNECTIONS(true),
    /** No CONNECT within {@code connect-timeout} of opening the connection. */
    CONNECT_TIMEOUT(true),
    /** No packet within 1.5 times the keep-alive. */
    KEEP_ALIVE_TIMEOUT(true),
    /** A packet that cannot be decoded, or larger than {@code max-packet-size}. */
    MALFORMED_PACKET(true),
    /** A packet against the protocol (a second CONNECT, a topic alias out of range, ...). */
    PROTOCOL_ERROR(true),
    /** An MQTT 3.1.1 client published where the ACL does not allow it (3.1.1 has no negative acknowledgement). */
    NOT_AUTHORIZED(true),
    /** An MQTT 3.1.1 client's message was refused (the bridge's store full): closing is 3.1.1's only "no". */
    MESSAGE_REFUSED(true),
    /** An MQTT 5 client sent more unacknowledged QoS 1/2 messages than its Receive Maximum (0x93). */
    RECEIVE_MAXIMUM_EXCEEDED(true),
    /** A subscriber whose queue overflowed with QoS 1/2 messages. */
    SLOW_SUBSCRIBER(true),
    /** Another connection came with the same client id. */
    SESSION_TAKEN_OVER(true),
    /** The broker is stopping. */
    SERVER_SHUTTING_DOWN(true),
    /** An unexpected error on the connection (a bug worth reporting). */
    INTERNAL_ERROR(true);

    private final boolean brokerDecided;

    CloseReason(boolean brokerDecided) {
        this.brokerDecided = brokerDecided;
    }

    /** True when the broker ended the connection (and logs why). */
    public boolean brokerDecided() {
        return brokerDecided;
    }

    /** As in the metric's tag and the log: {@code keep-alive-timeout}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
