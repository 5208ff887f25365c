package io.outpost.adapter.bacnet.discovery;

/**
 * A device that answered a Who-Is.
 *
 * @param address  its IPv4 address, or empty when it sits behind a BACnet router (reach it with Who-Is)
 * @param network  its network number when behind a router, else 0
 */
public record DiscoveredDevice(int instance, String address, int port, int network, int maxApdu, String segmentation,
                               int vendorId) {

    /** True when the gateway can address it directly by IP and port. */
    public boolean directlyReachable() {
        return network == 0 && !address.isEmpty();
    }
}
