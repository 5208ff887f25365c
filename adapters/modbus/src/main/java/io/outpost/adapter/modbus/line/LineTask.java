package io.outpost.adapter.modbus.line;

import io.outpost.core.spi.DeviceException;

/**
 * Work for a {@link ModbusLine}: a read (several requests) or a write (one or two). The line runs one request
 * at a time and lets waiting writes go before the next request of a read.
 */
public interface LineTask {

    /** The device the task belongs to; its tasks are dropped when it leaves the line. */
    Object owner();

    /** Writes jump ahead of reads. */
    boolean isWrite();

    /**
     * Runs the task's next request on the line's thread (blocking IO allowed). Returns true when the task has
     * finished and completed its result. Must not throw for a device's failure; a runtime exception is a bug.
     */
    boolean step(ModbusLine line);

    /** The task will not run: the line closed or its device left. Completes the result with {@code reason}. */
    void abort(DeviceException reason);
}
