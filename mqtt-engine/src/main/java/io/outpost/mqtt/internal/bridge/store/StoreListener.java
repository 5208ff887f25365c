package io.outpost.mqtt.internal.bridge.store;

/**
 * What the store tells its upstream. Called on the store's writer thread or on the thread that removed records;
 * must not block.
 */
public interface StoreListener {

    /** New records became durable and readable by cursors. */
    void readable();

    /** Messages left the store without being delivered; {@code reason} is a {@link Removal#reason()}. */
    void dropped(String reason, long messages);

    /** The writer wrote {@code bytes} of new records (the rate the store fills at). */
    default void written(long bytes) {
    }

    StoreListener NONE = new StoreListener() {
        @Override
        public void readable() {
        }

        @Override
        public void dropped(String reason, long messages) {
        }
    };
}
