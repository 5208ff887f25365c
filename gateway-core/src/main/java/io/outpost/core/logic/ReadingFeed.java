package io.outpost.core.logic;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where published readings are observed: the core's hand-over calls {@link #observe} with each batch,
 * and every subscribed {@link ReadingObserver} sees it. Also answers the latest reading of any running point, so that
 * a subscriber starting late (a computed point after a reload) begins from the current values.
 *
 * <p>Thread-safe. It is a shared resource of the runtime (see {@link #SHARED_KEY}) so that the computed-point
 * adapter reaches it through its {@code AdapterContext} without a new SPI method.
 */
public final class ReadingFeed implements ReadingObserver, AutoCloseable {

    /** The key under which the runtime shares the feed with adapters. */
    public static final String SHARED_KEY = "outpost:reading-feed";

    private static final Logger LOG = LoggerFactory.getLogger(ReadingFeed.class);

    private final CopyOnWriteArrayList<ReadingObserver> observers = new CopyOnWriteArrayList<>();
    private final Function<PointRef, Optional<Sample>> latest;

    /** @param latest the latest reading of a running point, empty when it is not running or not read yet */
    public ReadingFeed(Function<PointRef, Optional<Sample>> latest) {
        this.latest = latest;
    }

    /** Adds an observer; the returned handle removes it. */
    public AutoCloseable subscribe(ReadingObserver observer) {
        observers.add(observer);
        return () -> observers.remove(observer);
    }

    /** The latest reading of a running point; any thread. */
    public Optional<Sample> latest(PointRef ref) {
        return latest.apply(ref);
    }

    @Override
    public void observe(List<Sample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        for (ReadingObserver o : observers) {
            try {
                o.observe(samples);
            } catch (RuntimeException e) {
                // One broken observer must not stop the readings reaching the others or the engine.
                LOG.error("a reading observer failed; the readings still go out", e);
            }
        }
    }

    @Override
    public void close() {
        observers.clear();
    }
}
