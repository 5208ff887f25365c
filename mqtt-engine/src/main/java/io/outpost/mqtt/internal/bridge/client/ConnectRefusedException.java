package io.outpost.mqtt.internal.bridge.client;

/** The upstream answered CONNECT with a refusal; the message names the reason code. */
final class ConnectRefusedException extends Exception {

    private final int reasonCode;

    public ConnectRefusedException(int reasonCode, String message) {
        super(message);
        this.reasonCode = reasonCode;
    }

    public int reasonCode() {
        return reasonCode;
    }
}
