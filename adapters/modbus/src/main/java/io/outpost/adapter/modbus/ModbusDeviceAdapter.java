package io.outpost.adapter.modbus;

import io.outpost.adapter.modbus.line.ModbusLine;
import io.outpost.adapter.modbus.read.ModbusSession;
import io.outpost.adapter.modbus.read.ReadJob;
import io.outpost.adapter.modbus.read.WriteJob;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.DeviceAdapter;
import io.outpost.core.spi.DeviceException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One Modbus device: reads and writes become jobs on its line (its own TCP connection, or a serial line or
 * converter it shares with other devices). Returns at once; the line's thread does the IO.
 */
public final class ModbusDeviceAdapter implements DeviceAdapter {

    private final ModbusSession session;
    private final ModbusLine line;
    private final boolean ownsLine;
    private final DeviceException unusable;

    /**
     * @param ownsLine true when the line is this device's alone (closed with it); false for a shared line, which
     *                 the core closes when its last device goes
     * @param unusable why this device cannot use the line (its serial settings differ from the line's), or null
     */
    ModbusDeviceAdapter(ModbusSession session, ModbusLine line, boolean ownsLine, DeviceException unusable) {
        this.session = session;
        this.line = line;
        this.ownsLine = ownsLine;
        this.unusable = unusable;
    }

    @Override
    public CompletionStage<List<Sample>> read(List<PointConfig> points) {
        if (unusable != null) {
            return CompletableFuture.failedFuture(unusable);
        }
        CompletableFuture<List<Sample>> result = new CompletableFuture<>();
        line.submit(new ReadJob(session, points, result));
        return result;
    }

    @Override
    public CompletionStage<Void> write(PointConfig point, Value value) {
        if (unusable != null) {
            return CompletableFuture.failedFuture(unusable);
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        line.submit(new WriteJob(session, point, value, result));
        return result;
    }

    /** The device's planner, counters and settings, for tests and benchmarks. */
    public ModbusSession session() {
        return session;
    }

    @Override
    public void close() {
        line.cancel(session, new DeviceException("stopped", "device " + session.deviceId() + " stopped"));
        if (ownsLine) {
            line.close();
        }
    }
}
