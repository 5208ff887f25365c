package io.outpost.core.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.time.ExecutorTaskScheduler;
import io.outpost.core.time.TaskScheduler;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
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
 * @param ioExecutors a factory of one bounded serial executor per device, for blocking field-bus calls
 * @param random     jitter for backoff and start stagger
 */
public record CoreServices(TaskScheduler scheduler, java.util.concurrent.Executor workers,
                           Function<String, ExecutorService> ioExecutors, MeterRegistry meters,
                           RandomGenerator random, AutoCloseable resources) {

    /** Queue bound of a device's IO executor: far more than a healthy device ever has waiting. */
    static final int IO_QUEUE_CAPACITY = 1_000;

    /** How long a shared IO thread no device needs lives on. */
    static final long IO_THREAD_KEEP_ALIVE_SECONDS = 60;

    /**
     * Real threads: a small timer pool and work pool sized to the machine, and IO threads shared by the devices. The
     * IO pool has no fixed size: it starts a thread whenever a device has a call to make and none is free, and each
     * device runs one call at a time, so it never holds more threads than devices; idle ones end after a minute.
     */
    public static CoreServices production(MeterRegistry meters) {
        int cores = Runtime.getRuntime().availableProcessors();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(Math.max(1, cores / 2), named("outpost-timer-", true));
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(2, cores), named("outpost-core-", true));
        ThreadPoolExecutor ioThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IO_THREAD_KEEP_ALIVE_SECONDS,
                TimeUnit.SECONDS, new SynchronousQueue<>(), named("outpost-io-", true));
        Function<String, ExecutorService> io = device -> new DeviceIoExecutor("outpost-io-" + device, ioThreads,
                IO_QUEUE_CAPACITY);
        AutoCloseable close = () -> {
            timers.shutdownNow();
            ioThreads.shutdown();
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
