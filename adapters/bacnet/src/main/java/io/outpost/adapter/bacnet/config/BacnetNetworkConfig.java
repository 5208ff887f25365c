package io.outpost.adapter.bacnet.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's own BACnet/IP device, shared by every BACnet device of the configuration (the {@code bacnet:}
 * section).
 *
 * @param deviceInstance our device's instance number, unique on the BACnet internetwork
 * @param bind           local IPv4 address of the UDP socket ({@code 0.0.0.0}: every interface)
 * @param broadcast      where Who-Is and other broadcasts go (the subnet's directed broadcast address)
 * @param bbmd           foreign-device registration with a BBMD, or null
 * @param apduTimeout    how long one confirmed request waits for its answer before a retry
 * @param apduRetries    retries of an unanswered confirmed request
 */
public record BacnetNetworkConfig(int deviceInstance, String deviceName, String bind, int port, String broadcast,
                                  BbmdRegistration bbmd, Duration apduTimeout, int apduRetries) {

    public static final int DEFAULT_PORT = 47808;

    /** The same network settings on another UDP port (the discover tool beside a running gateway). */
    public BacnetNetworkConfig withPort(int newPort) {
        return new BacnetNetworkConfig(deviceInstance, deviceName, bind, newPort, broadcast, bbmd, apduTimeout, apduRetries);
    }

    /** Registration as a foreign device with a BBMD, for devices on other subnets. */
    public record BbmdRegistration(String address, int port, Duration ttl) {
        public BbmdRegistration {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(ttl, "ttl");
        }

        @Override
        public String toString() {
            return address + ":" + port;
        }
    }

    public BacnetNetworkConfig {
        Objects.requireNonNull(deviceName, "deviceName");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(broadcast, "broadcast");
        Objects.requireNonNull(apduTimeout, "apduTimeout");
    }

    /** How long a confirmed request can take in the worst case: every try times out. */
    public Duration requestDeadline() {
        return apduTimeout.multipliedBy(apduRetries + 1L);
    }

    /** Where the socket listens, for messages. */
    public String endpoint() {
        return bind + ":" + port;
    }
}
