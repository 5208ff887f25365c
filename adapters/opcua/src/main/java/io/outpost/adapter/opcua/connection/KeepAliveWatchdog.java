package io.outpost.adapter.opcua.connection;

import io.outpost.core.time.Cancellable;
import io.outpost.core.time.TaskScheduler;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Tells a live session from a dead one. Anything the server sends counts as a sign of life: data and keep-alive
 * notifications of a subscription, answers to reads. Only when the session has been silent for a whole interval is
 * a probe sent (a read of the server state); when {@code failuresAllowed + 1} probes in a row fail, the session is
 * declared dead once and the watchdog stops. A busy subscription therefore never triggers a probe, and cannot be
 * mistaken for a dead session because a probe waited behind its notifications.
 *
 * <p>Thread-safe: {@link #activity()} is called from any thread; ticks run on the scheduler.
 */
public final class KeepAliveWatchdog {

    private final TaskScheduler scheduler;
    private final long intervalNanos;
    private final int failuresAllowed;
    private final Supplier<CompletionStage<?>> probe;
    private final Consumer<String> onDead;

    private volatile long lastActivityNanos;
    private int failures;
    private boolean probing;
    private boolean running;
    private Cancellable timer = Cancellable.NONE;

    /**
     * @param probe  sends one keep-alive request; the stage must complete (fail on timeout) within the interval
     * @param onDead called once, with a description, when the session is declared dead; must not block
     */
    public KeepAliveWatchdog(TaskScheduler scheduler, Duration interval, int failuresAllowed,
                             Supplier<CompletionStage<?>> probe, Consumer<String> onDead) {
        this.scheduler = scheduler;
        this.intervalNanos = interval.toNanos();
        this.failuresAllowed = failuresAllowed;
        this.probe = probe;
        this.onDead = onDead;
    }

    /** Starts watching a fresh session. */
    public synchronized void start() {
        running = true;
        failures = 0;
        probing = false;
        lastActivityNanos = scheduler.nanoTime();
        scheduleTick();
    }

    public synchronized void stop() {
        running = false;
        timer.cancel();
    }

    /** The server said something: the session is alive. Any thread, cheap. */
    public void activity() {
        lastActivityNanos = scheduler.nanoTime();
    }

    private synchronized void tick() {
        if (!running) {
            return;
        }
        if (scheduler.nanoTime() - lastActivityNanos < intervalNanos) {
            failures = 0;
        } else if (!probing) {
            probing = true;
            CompletionStage<?> sent;
            try {
                sent = probe.get();
            } catch (RuntimeException e) {
                sent = java.util.concurrent.CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((ok, error) -> probed(error == null));
        }
        scheduleTick();
    }

    private void probed(boolean answered) {
        boolean dead;
        synchronized (this) {
            probing = false;
            if (!running) {
                return;
            }
            if (answered) {
                failures = 0;
                activity();
                return;
            }
            failures++;
            dead = failures > failuresAllowed;
            if (dead) {
                running = false;
                timer.cancel();
            }
        }
        if (dead) {
            onDead.accept("no answer to " + failures + " keep-alive request(s) after "
                    + Duration.ofNanos(intervalNanos).toMillis() + " ms of silence");
        }
    }

    private void scheduleTick() {
        timer = scheduler.schedule(intervalNanos, this::tick);
    }
}
