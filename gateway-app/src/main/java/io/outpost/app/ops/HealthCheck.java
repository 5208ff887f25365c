package io.outpost.app.ops;

import java.util.List;

/** One part of the pipeline that can tell whether it makes progress. Called from the ops server's thread. */
@FunctionalInterface
public interface HealthCheck {

    /** The state of each item this check covers (a device, the engine hand-over, an upstream). */
    List<Health> check(long nowNanos);

    /** One item's state: healthy or not, and a sentence saying why. */
    record Health(String component, boolean healthy, String detail) {
    }
}
