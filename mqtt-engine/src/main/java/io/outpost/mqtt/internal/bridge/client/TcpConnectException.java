package io.outpost.mqtt.internal.bridge.client;

import io.outpost.mqtt.bridge.config.ServerUri;
import java.io.IOException;
import java.net.ConnectException;

/**
 * A connect attempt that failed before its TCP connection was up: no route, refused, or no answer to the SYN
 * within the attempt's TCP timeout. Says how long the attempt waited and whether the far side answered at all
 * (a refusal is an RST), which is what the handshake's bytes are estimated from.
 */
final class TcpConnectException extends IOException {

    private final long waitedNanos;
    private final boolean answered;

    TcpConnectException(ServerUri server, Throwable cause, long waitedNanos) {
        super(cause.getMessage() == null ? cause.getClass().getSimpleName() + " (" + server + ")" : cause.getMessage(), cause);
        this.waitedNanos = waitedNanos;
        this.answered = cause instanceof ConnectException && String.valueOf(cause.getMessage()).contains("refused");
    }

    public long waitedNanos() {
        return waitedNanos;
    }

    /** True when the server's host answered with a reset (connection refused). */
    public boolean answered() {
        return answered;
    }
}
