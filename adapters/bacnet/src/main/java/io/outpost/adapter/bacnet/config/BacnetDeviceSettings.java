package io.outpost.adapter.bacnet.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A remote BACnet device: which one ({@code connection:}) and how its COV subscriptions are kept.
 *
 * @param deviceInstance   the device object's instance number
 * @param address          its IPv4 address or host name; null to find it with Who-Is
 * @param port             its UDP port
 * @param covLifetime      lifetime asked for in each COV subscription; renewed at half of it
 * @param covConfirmed     ask for confirmed COV notifications (the device retries until we acknowledge)
 * @param covCheckInterval how often a device with COV points is checked for being alive and for a restart
 * @param readStatusFlags  read status-flags (and reliability when in fault) with present values, for quality
 */
public record BacnetDeviceSettings(int deviceInstance, String address, int port, Duration covLifetime,
                                   boolean covConfirmed, Duration covCheckInterval, boolean readStatusFlags) {

    public BacnetDeviceSettings {
        Objects.requireNonNull(covLifetime, "covLifetime");
        Objects.requireNonNull(covCheckInterval, "covCheckInterval");
    }

    public boolean hasStaticAddress() {
        return address != null;
    }

    /** How the device is named in logs and errors. */
    public String describe() {
        return "device " + deviceInstance + (address == null ? " (found with Who-Is)" : " at " + address + ":" + port);
    }
}
