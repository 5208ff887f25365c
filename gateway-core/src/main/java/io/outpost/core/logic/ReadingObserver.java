package io.outpost.core.logic;

import io.outpost.core.point.Sample;
import java.util.List;

/**
 * Sees the readings the gateway publishes: each poll's (or each batch of pushed values') samples that passed
 * report-by-exception, in engineering units, device and computed points alike. Computed points, alarms and the
 * per-point history observe readings through this one contract.
 *
 * <p>Called on the reporting device's serial executor, so from several threads at once (one per device) and in order
 * per device; must not block and must not throw: hand the work to an executor of your own.
 */
@FunctionalInterface
public interface ReadingObserver {

    void observe(List<Sample> samples);
}
