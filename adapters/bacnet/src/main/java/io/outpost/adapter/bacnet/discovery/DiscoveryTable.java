package io.outpost.adapter.bacnet.discovery;

import java.util.List;

/** Plain-text tables of what discovery found, for the {@code discover} command's terminal output. */
public final class DiscoveryTable {

    private DiscoveryTable() {
    }

    /** One line per device: instance, address, max APDU, segmentation, vendor. */
    public static String devices(List<DiscoveredDevice> devices) {
        StringBuilder b = new StringBuilder(String.format("%-10s %-24s %-8s %-18s %s%n", "INSTANCE", "ADDRESS", "MAX-APDU",
                "SEGMENTATION", "VENDOR"));
        for (DiscoveredDevice d : devices) {
            String address = d.directlyReachable() ? d.address() + ":" + d.port() : "network " + d.network() + " (routed)";
            b.append(String.format("%-10d %-24s %-8d %-18s %d%n", d.instance(), address, d.maxApdu(), d.segmentation(),
                    d.vendorId()));
        }
        return b.toString();
    }

    /** One line per object: object, name, units, description. */
    public static String objects(List<DiscoveredObject> objects) {
        StringBuilder b = new StringBuilder(String.format("%-28s %-32s %-8s %s%n", "OBJECT", "NAME", "UNITS", "DESCRIPTION"));
        for (DiscoveredObject o : objects) {
            b.append(String.format("%-28s %-32s %-8s %s%n", o.object(), o.name(), o.units(),
                    o.description().replaceAll("[\\r\\n]+", " ")));
        }
        return b.toString();
    }
}
