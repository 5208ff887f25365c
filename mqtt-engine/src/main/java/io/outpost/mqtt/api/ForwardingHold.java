package io.outpost.mqtt.api;

/**
 * Forwarding held while the bridge is replaced ({@code MqttEngine.holdForwarding}): messages the broker accepts in
 * the meantime wait, in order and bounded, for the forwarders registered when the hold is released, so none is
 * acknowledged between the old bridge's forwarders leaving and the new ones registering.
 *
 * <p>Release it from the thread that replaced the bridge, once the new bridge started or failed to (releasing twice
 * does nothing); {@link #close()} releases too, for try-with-resources. Neither waits for the upstreams' stores.
 */
public interface ForwardingHold extends AutoCloseable {

    /**
     * Hands the held messages, in order, to the forwarders registered now and lets later messages pass directly.
     * Blocks only while the hand-over runs.
     *
     * @return how many messages were held
     */
    int release();

    /** Network clients' messages refused because the hold was full (they are sent again by their clients). */
    int refused();

    /** Same as {@link #release()}: a hold must end even when the swap failed. */
    @Override
    void close();
}
