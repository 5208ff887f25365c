package io.outpost.core.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.time.ExecutorTaskScheduler;
import io.outpost.core.time.TaskScheduler;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The threads and clocks the core runs on, injected so that tests run the whole core on a manual clock.
 *
 * @param scheduler  timers (polls, timeouts, backoff)
 * @param workers    where device state machines run (each confined to its own serial executor)
 * @param ioExecutors a factory of one bounded single-thread executor per device, for blocking field-bus calls
 * @param random     jitter for backoff and start stagger
 */
public record CoreServices(TaskScheduler scheduler, java.util.concurrent.Executor workers,
                           Function<String, ExecutorService> ioExecutors, MeterRegistry meters,
                           RandomGenerator random, AutoCloseable resources) {

    /** Queue bound of a device's IO executor: far more than a healthy device ever has waiting. */
    static final int IO_QUEUE_CAPACITY = 1_000;

    /** Real threads: a small timer pool and work pool sized to the machine, and one IO thread per device. */
    public static CoreServices production(MeterRegistry meters) {
        int cores = Runtime.getRuntime().availableProcessors();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(Math.max(1, cores / 2), named("outpost-timer-", true));
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(2, cores), named("outpost-core-", true));
        Function<String, ExecutorService> io = device -> new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(IO_QUEUE_CAPACITY), named("outpost-io-" + device + "-", true),
                new ThreadPoolExecutor.AbortPolicy());
        AutoCloseable close = () -> {
            timers.shutdownNow();
            workers.shutdown();
            workers.awaitTermination(5, TimeUnit.SECONDS);
        };
        return new CoreServices(new ExecutorTaskScheduler(timers, Clock.systemUTC()), workers, io, meters,
                RandomGenerator.getDefault(), close);
    }

    public static ThreadFactory named(String prefix, boolean daemon) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(daemon);
            return t;
        };
    }
}
