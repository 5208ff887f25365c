package io.outpost.mqtt.internal.bridge.client;

import java.util.Locale;

/** Where an upstream's link is. */
public enum LinkState {
    /** Not started, or closed. */
    STOPPED,
    /** Trying a server. */
    CONNECTING,
    /** Connected; messages flow. */
    CONNECTED,
    /** Every server failed: waiting for the next probe (the link is down) or the backoff (the server refused). */
    WAITING;

    /** As shown in status and metrics: {@code connected}, ... */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
