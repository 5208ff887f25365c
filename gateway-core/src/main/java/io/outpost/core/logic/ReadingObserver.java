package io.outpost.core.logic;

import io.outpost.core.point.Sample;
import java.util.List;

/**
 * Sees readings in engineering units, at one of two places (see {@code GatewayRuntime}): every reading the core
 * accepts, whether or not report-by-exception publishes it (alarms, history: an excursion inside a deadband must
 * still raise an alarm), or the readings the gateway publishes ({@link ReadingFeed}: computed points, aggregates).
 *
 * <p>Called on the device's serial executor, once per poll (or batch of pushed values) with that poll's samples, in
 * order; different devices call concurrently. Must not block and must not keep the list (it may be reused).
 */
@FunctionalInterface
public interface ReadingObserver {

    ReadingObserver NONE = samples -> {
    };

    void observe(List<Sample> samples);
}
