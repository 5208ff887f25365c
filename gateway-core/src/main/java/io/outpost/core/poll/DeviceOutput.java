package io.outpost.core.poll;

import io.outpost.core.config.DeviceConfig;
import io.outpost.core.message.Message;
import io.outpost.core.spi.DeviceStatus;
import java.util.List;

/** Where a device's results go: the engine, through the core's hand-over accounting. Called on the device's serial executor; must not block. */
public interface DeviceOutput {

    /** The messages of the readings of one poll (or one batch of pushed values) that passed report-by-exception. */
    void reported(DeviceConfig device, List<Message> readings);

    /** The device's connection state changed. */
    void statusChanged(DeviceConfig device, DeviceStatus status);

    /** True while the engine is behind: the poller skips polls rather than read what it cannot deliver. */
    boolean saturated();
}
