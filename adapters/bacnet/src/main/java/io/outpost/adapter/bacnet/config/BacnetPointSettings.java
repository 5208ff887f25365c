package io.outpost.adapter.bacnet.config;

import java.util.Objects;

/**
 * Where a point lives in its device.
 *
 * @param object       the object
 * @param property     the property identifier (present-value by default)
 * @param arrayIndex   an element of an array property, or null for the whole property
 * @param cov          deliver the point by COV subscription instead of polling (polling is the fallback)
 * @param covIncrement with cov: the change that triggers a notification (SubscribeCOVProperty), or null for the
 *                     object's own COV_Increment
 * @param priority     write priority 1-16 for commandable properties, or null to write without one (the device
 *                     then uses 16)
 */
public record BacnetPointSettings(BacnetObjectRef object, int property, Integer arrayIndex, boolean cov,
                                  Float covIncrement, Integer priority) {

    public static final int PRESENT_VALUE = 85;

    public BacnetPointSettings {
        Objects.requireNonNull(object, "object");
    }

    public boolean isPresentValue() {
        return property == PRESENT_VALUE && arrayIndex == null;
    }

    /** {@code analog-input:1 present-value} or {@code analog-output:2 priority-array[8]}. */
    public String describe() {
        return object + " " + BacnetNames.propertyName(property) + (arrayIndex == null ? "" : "[" + arrayIndex + "]");
    }
}
