package io.outpost.mqtt.internal.bridge.store;

/** Why a record leaves the store; all but the first two are drops, counted by their {@link #reason()}. */
public enum Removal {
    /** The upstream acknowledged it (PUBACK, or PUBCOMP for QoS 2). */
    ACKED(null),
    /** A QoS 0 message was written to the connection. */
    SENT(null),
    /** Its MQTT 5 message expiry passed while queued. */
    EXPIRED("expired"),
    /** It was queued longer than the store's max-age. */
    MAX_AGE("max-age"),
    /** The byte budget ran low and a reading of its topic went out less than min-interval before. */
    THINNED("thinned"),
    /** It is larger than the upstream's Maximum Packet Size. */
    TOO_LARGE("too-large"),
    /** The upstream refused it with a negative reason code (MQTT 5). */
    REFUSED("refused"),
    /** The store was full and evicted it for a newer message of its class or of a higher priority. */
    EVICTED("evicted"),
    /** Its record names a route the route table lost in a crash (so it was never acknowledged). */
    DAMAGED("damaged");

    private final String reason;

    Removal(String reason) {
        this.reason = reason;
    }

    /** The metric tag of a drop, or null when the message was delivered. */
    public String reason() {
        return reason;
    }
}
