package io.outpost.core.time;

/** A scheduled task that may be called off; cancelling twice or after it ran does nothing. */
@FunctionalInterface
public interface Cancellable {

    Cancellable NONE = () -> { };

    void cancel();
}
