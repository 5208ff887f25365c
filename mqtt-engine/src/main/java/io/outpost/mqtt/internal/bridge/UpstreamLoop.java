package io.outpost.mqtt.internal.bridge;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread an upstream's state lives on. A task that fails is logged (a scheduled executor would otherwise
 * keep the exception in a future nobody reads) and the thread goes on with the next one.
 */
final class UpstreamLoop extends ScheduledThreadPoolExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamLoop.class);

    private final String upstream;

    UpstreamLoop(String upstream) {
        super(1, r -> {
            Thread t = new Thread(r, "outpost-bridge-" + upstream);
            t.setDaemon(true);
            return t;
        });
        this.upstream = upstream;
        setRemoveOnCancelPolicy(true);
        // After the upstream closed its thread, work handed to it (a pump asked for by the store's writer while the
        // store drains, a connection event) has nobody to do it and no one to tell: it is called off, not thrown
        // at the thread that asked (the store's writer would take that for a failure of its own).
        setRejectedExecutionHandler((task, executor) -> {
            if (task instanceof Future<?> f) {
                f.cancel(false);
            }
            LOG.debug("upstream {}: a task came after the upstream stopped; dropped", upstream);
        });
    }

    @Override
    protected void afterExecute(Runnable task, Throwable thrown) {
        super.afterExecute(task, thrown);
        Throwable failure = thrown;
        if (failure == null && task instanceof Future<?> f && f.isDone()) {
            try {
                f.get();
            } catch (CancellationException cancelled) {
                // A timer called off (a reconnect or wake-up no longer needed): nothing failed.
                return;
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            LOG.error("upstream {}: a task failed; the upstream carries on with the next one", upstream, failure);
        }
    }
}
