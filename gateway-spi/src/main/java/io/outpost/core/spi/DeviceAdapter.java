package io.outpost.core.spi;

import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One device's connection, created by an {@link AdapterFactory}. The core owns the schedule: it decides when to
 * read which points, applies timeouts, backoff, quality marking, change detection and mapping. The adapter only
 * talks to the device.
 *
 * <p><b>Threads.</b> The core calls these methods from its own threads, never concurrently with each other for
 * one device, and never waits for a result on the calling thread. Methods must return at once: blocking IO goes
 * to {@link AdapterContext#ioExecutor()} (one call at a time per device, so a blocking library needs no locks).
 *
 * <p><b>Lifecycle.</b> {@link #start()} once, then any number of reads and writes, then {@link #close()} once.
 */
public interface DeviceAdapter extends AutoCloseable {

    /**
     * Starts connecting or subscribing. Must not fail for a device that is down: reads report that. Adapters that
     * push values (subscriptions, COV) claim those points with {@link AdapterContext#setPushed} and deliver their
     * values with {@link AdapterContext#push}.
     */
    default void start() {
    }

    /**
     * Reads a batch of points, all due now; the adapter merges them into as few requests as it can.
     *
     * <p>The stage completes with one sample per point that was read: a good value in the point's device type
     * (the core applies scaling and range checks), or a bad sample for a point the device refused (for example
     * {@code device-exception:02}) while the others were read. Points missing from the result are marked bad
     * ({@code no-data}). The stage fails with a {@link DeviceException} when the device could not be read at all;
     * its reason becomes every point's quality reason. The core abandons the read after the device timeout but
     * does not start another until this stage completes, so it must complete eventually.
     */
    CompletionStage<List<Sample>> read(List<PointConfig> points);

    /**
     * Writes one value, already converted to the point's device type, range-checked and unscaled by the core.
     * Fails with a {@link DeviceException} whose reason is published in the command result.
     */
    CompletionStage<Void> write(PointConfig point, Value value);

    /**
     * Gives up this gateway's command of a point: BACnet writes NULL at the point's priority so that a lower
     * priority or the relinquish default takes over. Commands ask for it with a {@code null} value. Protocols
     * without the notion refuse with reason {@code relinquish-not-supported} (the default). Same threading and
     * failure rules as {@link #write}.
     */
    default CompletionStage<Void> relinquish(PointConfig point) {
        return CompletableFuture.failedFuture(new DeviceException("relinquish-not-supported",
                "point " + point.ref() + " cannot be relinquished: its protocol has no command priorities; send a value"));
    }

    /** Disconnects and releases everything; called once, on a core thread; may block briefly. */
    @Override
    void close();
}
