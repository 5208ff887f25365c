package io.outpost.adapter.modbus.line;

import io.outpost.adapter.modbus.config.ModbusConnection;
import io.outpost.adapter.modbus.transport.ModbusTransport;
import io.outpost.adapter.modbus.transport.ModbusTransportException;
import io.outpost.core.spi.DeviceException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One link to the field (a TCP connection, a serial port, a converter) used by one request at a time. Tasks of
 * any device on the link queue here; waiting writes go before the next request of a read, so a command is not
 * stuck behind a long poll. Requests of a device with a request delay are spaced by that delay.
 *
 * <p><b>Threads.</b> {@link #submit} and {@link #close} from any thread; tasks run one at a time on the line's
 * executor: the device's IO executor for Modbus TCP, or a thread of the line's own when several devices share a
 * serial line or converter. The transport is touched only by that thread while tasks run.
 */
public final class ModbusLine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModbusLine.class);

    private final String name;
    private final ModbusTransport transport;
    private final Executor executor;
    private final ExecutorService ownExecutor;
    private final ModbusConnection connection;
    private final ArrayDeque<LineTask> writes = new ArrayDeque<>();
    private final ArrayDeque<LineTask> reads = new ArrayDeque<>();
    private boolean draining;
    private boolean closed;
    private LineTask current;
    private long lastRequestEndNanos;

    /**
     * @param executor    where tasks run (one at a time)
     * @param ownExecutor the executor if the line created it (shut down on close), else null
     * @param connection  what the line was opened with, so a device sharing it can check it wants the same
     */
    public ModbusLine(String name, ModbusTransport transport, Executor executor, ExecutorService ownExecutor,
                      ModbusConnection connection) {
        this.name = name;
        this.transport = transport;
        this.executor = executor;
        this.ownExecutor = ownExecutor;
        this.connection = connection;
    }

    public String name() {
        return name;
    }

    public ModbusConnection connection() {
        return connection;
    }

    /** Queues a task; a closed line aborts it at once. */
    public void submit(LineTask task) {
        boolean start;
        synchronized (this) {
            if (closed) {
                start = false;
            } else {
                (task.isWrite() ? writes : reads).addLast(task);
                start = !draining;
                draining = true;
            }
        }
        if (!start) {
            if (isClosed()) {
                task.abort(new DeviceException("stopped", name + " is closed"));
            }
            return;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            failAll(new DeviceException("busy", name + ": the IO executor refused work (" + e.getMessage() + ")"));
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Sends one request and waits for its answer; for tasks, on the line's thread. Honours the device's request
     * delay: the request goes out no sooner than {@code delay} after the previous one finished.
     */
    public byte[] exchange(int unitId, byte[] pdu, Duration delay) throws ModbusTransportException {
        if (!delay.isZero()) {
            long wait = lastRequestEndNanos + delay.toNanos() - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        try {
            return transport.exchange(unitId, pdu);
        } finally {
            lastRequestEndNanos = System.nanoTime();
        }
    }

    /** The transport, for tasks on the line's thread (disconnect after a fault, idle check before a write). */
    public ModbusTransport transport() {
        return transport;
    }

    /**
     * Drops the tasks of {@code owner} (a device leaving). A task whose request is in flight finishes that request
     * and is then aborted with the rest.
     */
    public void cancel(Object owner, DeviceException reason) {
        List<LineTask> dropped = new ArrayList<>();
        synchronized (this) {
            for (ArrayDeque<LineTask> q : List.of(writes, reads)) {
                q.removeIf(t -> {
                    boolean mine = t.owner() == owner;
                    if (mine && t != current) {
                        dropped.add(t);
                    }
                    return mine;
                });
            }
        }
        dropped.forEach(t -> t.abort(reason));
    }

    private void drain() {
        while (true) {
            LineTask task;
            synchronized (this) {
                if (closed) {
                    draining = false;
                    break;
                }
                task = !writes.isEmpty() ? writes.peekFirst() : reads.peekFirst();
                if (task == null) {
                    draining = false;
                    return;
                }
                current = task;
            }
            boolean done = run(task);
            boolean abandoned;
            synchronized (this) {
                current = null;
                // A task taken off the queue while its request ran (closed line, device gone) goes no further.
                boolean queued = writes.remove(task) || reads.remove(task);
                abandoned = !done && !queued;
                if (!done && queued) {
                    (task.isWrite() ? writes : reads).addFirst(task);
                }
            }
            if (abandoned) {
                task.abort(new DeviceException("stopped", name + ": its device stopped or the line closed"));
            }
        }
        transport.close();
    }

    private boolean run(LineTask task) {
        try {
            return task.step(this);
        } catch (RuntimeException e) {
            LOG.error("{}: a Modbus task failed unexpectedly; its result fails and the line goes on", name, e);
            task.abort(new DeviceException("adapter-error", e.toString()));
            return true;
        }
    }

    private void failAll(DeviceException reason) {
        List<LineTask> all;
        synchronized (this) {
            all = new ArrayList<>(writes);
            all.addAll(reads);
            writes.clear();
            reads.clear();
            draining = false;
        }
        all.forEach(t -> t.abort(reason));
    }

    /**
     * Aborts queued tasks and releases the link: at once when idle, else after the request in flight (at most one
     * request timeout). Does not block.
     */
    @Override
    public void close() {
        boolean idle;
        List<LineTask> dropped = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            idle = !draining;
            for (ArrayDeque<LineTask> q : List.of(writes, reads)) {
                for (LineTask t : q) {
                    if (t != current) {
                        dropped.add(t);
                    }
                }
                q.clear();
            }
        }
        DeviceException stopped = new DeviceException("stopped", name + " is closed");
        dropped.forEach(t -> t.abort(stopped));
        if (idle) {
            transport.close();
        }
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
    }
}
