package io.outpost.mqtt.internal.bridge.client;

import java.io.IOException;

/** No CONNACK (or TCP/TLS handshake) within the attempt's timeout. */
final class ConnAckTimeoutException extends IOException {

    private final boolean tcpConnected;

    ConnAckTimeoutException(String message, boolean tcpConnected) {
        super(message);
        this.tcpConnected = tcpConnected;
    }

    /** True when the TCP connection was up (the CONNECT, or the TLS handshake, got no answer). */
    public boolean tcpConnected() {
        return tcpConnected;
    }
}
