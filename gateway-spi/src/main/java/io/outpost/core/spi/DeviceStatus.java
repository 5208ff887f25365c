package io.outpost.core.spi;

import java.time.Instant;
import java.util.Objects;

/** A device's connection state as published on its status topic. */
public record DeviceStatus(State state, String reason, Instant since) {

    public enum State {
        /** Configured, not yet read. */
        STARTING,
        /** Reads succeed. */
        ONLINE,
        /** Reads fail; {@code reason} says why. */
        OFFLINE,
        /** Removed or shut down. */
        STOPPED
    }

    public DeviceStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        reason = reason == null ? "" : reason;
    }

    public static DeviceStatus online(Instant since) {
        return new DeviceStatus(State.ONLINE, "", since);
    }

    public static DeviceStatus offline(String reason, Instant since) {
        return new DeviceStatus(State.OFFLINE, reason, since);
    }

    /** Same state and reason, whatever the time. */
    public boolean sameAs(DeviceStatus other) {
        return other != null && state == other.state && reason.equals(other.reason);
    }
}
