package io.outpost.core.logic.computed;

/** A device of protocol {@code logic} has no connection: its points are computed from other points. */
public record ComputedDeviceSettings() {
}
