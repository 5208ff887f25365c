package io.outpost.mqtt.internal.broker.session;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.outpost.mqtt.internal.broker.stats.CloseReason;

/**
 * A session's way to its client's network connection. Implemented by the protocol handler; all methods may be
 * called from the session's thread (which need not be the connection's own IO thread).
 */
public interface ClientLink {

    ClientSettings settings();

    /** Queues a packet for writing; {@link #flush()} sends what was queued. */
    void send(MqttMessage message);

    void flush();

    /** False while the connection's outgoing buffer is above its high-water mark; the session then holds messages back. */
    boolean writable();

    /**
     * Ends the connection because of the broker: MQTT 5 clients first get a DISCONNECT with {@code reason}; the
     * will message is published (this is not a normal disconnect). {@code why} is counted and logged once.
     */
    void disconnect(byte reason, String reasonString, CloseReason why);

    /**
     * Stops ({@code true}) or resumes reading the client's packets: its data waits in the socket and TCP flow control
     * slows the client down. Any thread; calls take effect in order.
     */
    void pauseReading(boolean paused);

    /** Tells the connection which session it belongs to; called once, on the session's thread, before CONNACK. */
    void bind(Session session);

    /**
     * Refuses the CONNECT instead of binding it to a session (CONNACK with {@code reason}, then close); called at
     * most once, instead of {@link #bind}, from any thread.
     */
    void refuse(byte reason, String reasonString);

    /** For logs: client id, user, address. */
    String describe();
}
