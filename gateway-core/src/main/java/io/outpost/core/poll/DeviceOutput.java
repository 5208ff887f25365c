package io.outpost.core.poll;

import io.outpost.core.config.DeviceConfig;
import io.outpost.core.report.Reported;
import io.outpost.core.spi.DeviceStatus;
import java.util.List;

/** Where a device's results go: the mapping stage. Called on the device's serial executor; must not block. */
public interface DeviceOutput {

    /** Readings that passed report-by-exception, in the order read. */
    void reported(DeviceConfig device, List<Reported> readings);

    /** The device's connection state changed. */
    void statusChanged(DeviceConfig device, DeviceStatus status);

    /** True while the engine is behind: the poller skips polls rather than read what it cannot deliver. */
    boolean saturated();
}
