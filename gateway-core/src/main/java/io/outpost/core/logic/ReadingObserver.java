package io.outpost.core.logic;

import io.outpost.core.point.Sample;
import java.util.List;

/**
 * Sees every reading the core accepted, in engineering units, whether or not report-by-exception published it: edge
 * logic (alarms, computed points, aggregates, history) works on the readings, not on what reached the broker.
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
