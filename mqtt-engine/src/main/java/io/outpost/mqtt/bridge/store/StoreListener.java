package io.outpost.mqtt.bridge.store;

/**
 * What the store tells its upstream. Called on the store's writer thread or on the thread that removed records;
 * must not block.
 */
public interface StoreListener {

    /** New records became durable and readable by cursors. */
    void readable();

    /** Messages left the store without being delivered; {@code reason} is a {@link Removal#reason()}. */
    void dropped(String reason, long messages);

    StoreListener NONE = new StoreListener() {
        @Override
        public void readable() {
        }

        @Override
        public void dropped(String reason, long messages) {
        }
    };
}
