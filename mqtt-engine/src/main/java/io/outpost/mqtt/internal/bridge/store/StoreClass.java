package io.outpost.mqtt.internal.bridge.store;

import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;

/**
 * A priority class as the store knows it. {@code adopted} classes were found on disk but are no longer configured:
 * what they hold is still delivered (at the lowest priority, first to be evicted), nothing new goes there.
 */
public record StoreClass(String name, int priority, OverflowPolicy overflow, boolean adopted) {
}
