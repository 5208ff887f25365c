package io.outpost.adapter.bacnet.discovery;

import io.outpost.adapter.bacnet.config.BacnetObjectRef;

/**
 * One object of a device.
 *
 * @param units its engineering unit symbol ({@code °C}), or empty when it has none
 */
public record DiscoveredObject(BacnetObjectRef object, String name, String units, String description) {
}
