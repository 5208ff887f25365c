package io.outpost.mqtt.bridge.control;

/**
 * The will a {@link ControlLink} leaves with the broker on every connection: published by the broker when the link
 * drops without a clean close (and, when asked, on {@link ControlLink#close(boolean)}). Immutable; the payload array
 * is not copied, so do not change it after handing it over.
 *
 * @param qos 0, 1 or 2
 */
public record ControlWill(String topic, byte[] payload, int qos, boolean retain) {

    public ControlWill {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
    }
}
