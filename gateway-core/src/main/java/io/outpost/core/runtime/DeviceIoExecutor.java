package io.outpost.core.runtime;

import io.outpost.core.time.SerialExecutor;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One device's blocking field-bus calls: one at a time, in submission order, on the gateway's shared IO threads. A
 * device holds a thread only while it has calls to make, so a site of a thousand devices polled once a second needs
 * as many threads as calls are in flight together, not a thousand; a device that blocks (a dead peer until its
 * timeout) still holds just its own thread, and the others go on.
 *
 * <p>At most {@code capacity} calls wait; beyond that {@link #execute} throws {@link RejectedExecutionException}, as
 * after a shutdown. {@link #shutdownNow()} interrupts the running call and drops the waiting ones; it cannot hand
 * them back (they sit in the serial queue), so it returns an empty list.
 */
final class DeviceIoExecutor extends AbstractExecutorService {

    private final String name;
    private final int capacity;
    private final SerialExecutor serial;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Object lock = new Object();
    private boolean shutdown;
    private boolean stopped;
    private Thread runner;

    DeviceIoExecutor(String name, Executor ioThreads, int capacity) {
        this.name = name;
        this.capacity = capacity;
        this.serial = new SerialExecutor(ioThreads);
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException(name + " is shut down");
            }
            if (waiting.get() >= capacity) {
                throw new RejectedExecutionException(name + ": " + capacity + " calls already waiting");
            }
            waiting.incrementAndGet();
        }
        serial.execute(() -> run(task));
    }

    private void run(Runnable task) {
        Thread thread = Thread.currentThread();
        synchronized (lock) {
            waiting.decrementAndGet();
            if (stopped) {
                lock.notifyAll();
                return;
            }
            runner = thread;
        }
        try {
            task.run();
        } finally {
            synchronized (lock) {
                runner = null;
                lock.notifyAll();
            }
            // An interrupt from shutdownNow() was meant for this call, not for the next device this thread serves.
            Thread.interrupted();
        }
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            shutdown = true;
            lock.notifyAll();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        synchronized (lock) {
            shutdown = true;
            stopped = true;
            if (runner != null) {
                runner.interrupt();
            }
            lock.notifyAll();
        }
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    @Override
    public boolean isTerminated() {
        synchronized (lock) {
            return terminated();
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lock) {
            while (!terminated()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    private boolean terminated() {
        return shutdown && runner == null && waiting.get() == 0;
    }

    @Override
    public String toString() {
        return name;
    }
}
