package io.outpost.adapter.modbus.read;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.adapter.modbus.config.ModbusDevice;
import io.outpost.adapter.modbus.plan.ReadPlanner;
import io.outpost.core.spi.DeviceStatus;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * What the read and write jobs of one device share: its settings, its planner (with what it learned), the clock
 * for source timestamps, request meters, and the way to report a dropped connection. Used on the line's thread.
 */
public final class ModbusSession {

    private final String deviceId;
    private final ModbusDevice device;
    private final ReadPlanner planner;
    private final Clock clock;
    private final Consumer<DeviceStatus> status;
    private final Counter ok;
    private final Counter refused;
    private final Counter failed;

    public ModbusSession(String deviceId, ModbusDevice device, ReadPlanner planner, Clock clock, MeterRegistry meters,
                         Consumer<DeviceStatus> status) {
        this.deviceId = deviceId;
        this.device = device;
        this.planner = planner;
        this.clock = clock;
        this.status = status;
        this.ok = requests(meters, deviceId, "ok");
        this.refused = requests(meters, deviceId, "exception");
        this.failed = requests(meters, deviceId, "failed");
    }

    private static Counter requests(MeterRegistry meters, String device, String result) {
        return Counter.builder("outpost.modbus.requests")
                .description("Modbus requests sent: answered (ok), refused with an exception code, or failed "
                        + "(timeout, malformed frame, link down)")
                .tag("device", device).tag("result", result).register(meters);
    }

    public String deviceId() {
        return deviceId;
    }

    public ModbusDevice device() {
        return device;
    }

    public ReadPlanner planner() {
        return planner;
    }

    public Clock clock() {
        return clock;
    }

    void answered() {
        ok.increment();
    }

    void refused() {
        refused.increment();
    }

    void failed() {
        failed.increment();
    }

    /** Requests sent so far, whatever their outcome. */
    public long sentRequests() {
        return (long) (ok.count() + refused.count() + failed.count());
    }

    void linkLost(String reason) {
        status.accept(DeviceStatus.offline(reason, clock.instant()));
    }
}
