package io.outpost.mqtt.internal.broker.protocol;

/**
 * A client broke the protocol; the connection is closed with {@link #reason()} (sent as CONNACK or DISCONNECT
 * reason code to MQTT 5 clients).
 */
final class ProtocolException extends Exception {

    private final byte reason;

    ProtocolException(byte reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    byte reason() {
        return reason;
    }
}
