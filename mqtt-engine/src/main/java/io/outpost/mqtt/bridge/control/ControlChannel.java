package io.outpost.mqtt.bridge.control;

import java.util.concurrent.CompletionStage;

/**
 * A narrow publish/subscribe channel to a cloud broker for the control plane (fleet inventory, remote
 * configuration, remote commands): a fixed set of subscriptions made again on every connection, QoS 0/1 publishes,
 * and a will. It is not a data path: nothing is queued on disk, a publish made while disconnected fails at once.
 *
 * <p><b>Threads.</b> {@link Listener} calls come in order on the channel's own thread; they must not block (hand
 * long work to another executor). {@link #publish} may be called from any thread.
 */
public interface ControlChannel extends AutoCloseable {

    /** What the channel tells its owner, on the channel's thread. */
    interface Listener {
        /** A connection came up and the subscriptions were sent. {@code server} names it ({@code host:port}). */
        void connected(String server);

        void disconnected(String why);

        /** A message on one of the subscriptions; acknowledged (QoS 1) once this returns. */
        void message(String topic, byte[] payload, boolean retained);
    }

    /** Starts connecting (in the background); reconnects until closed. */
    void start();

    /**
     * Publishes; completes when the server acknowledged it (QoS 1) or it was written (QoS 0). Fails with an
     * {@link IllegalStateException} when not connected, or when the connection goes before the acknowledgement.
     */
    CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain);

    boolean isConnected();

    /** How many connections came up since the start (a reconnect makes it grow). */
    long connections();

    /**
     * Disconnects and stops; with {@code leaveWill} the server publishes the will (the gateway says it goes), else
     * the will is discarded. Blocks until the channel's thread ended (a few seconds at most).
     */
    void close(boolean leaveWill);

    @Override
    default void close() {
        close(false);
    }
}
