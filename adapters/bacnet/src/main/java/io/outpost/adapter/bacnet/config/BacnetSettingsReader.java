package io.outpost.adapter.bacnet.config;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.DidYouMean;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads the BACnet keys of devices and points. Reports every mistake through the node and returns a usable record
 * anyway, so that one load reports them all.
 */
public final class BacnetSettingsReader {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");
    private static final String OBJECT_FORM = "write it as type:instance, e.g. analog-input:1, AI:1 or 0:1";

    private BacnetSettingsReader() {
    }

    /** {@code connection: {device-instance, address, port}} and the device-level COV keys. */
    public static BacnetDeviceSettings device(ConfigNode device) {
        ConfigNode connection = device.mapping("connection");
        if (connection.isMissing()) {
            device.missing("connection", "give at least {device-instance: N}; address is optional (Who-Is finds it)");
        }
        int instance = connection.integer("device-instance", (long) 0, (long) BacnetNames.MAX_INSTANCE)
                .map(Long::intValue).orElse(-1);
        if (!connection.isMissing() && !connection.has("device-instance")) {
            connection.missing("device-instance", "the instance number of the device object, 0 to " + BacnetNames.MAX_INSTANCE);
        }
        String address = connection.string("address").orElse(null);
        if (address != null && !HOST.matcher(address).matches()) {
            connection.error("address", "expected an IPv4 address or host name, found '" + address + "'");
            address = null;
        }
        int port = connection.integer("port", BacnetNetworkConfig.DEFAULT_PORT, 1, 65535);
        connection.rejectUnknownKeys();

        Duration lifetime = device.duration("cov-lifetime", Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofHours(24));
        boolean confirmed = device.bool("cov-confirmed", false);
        Duration check = device.duration("cov-check-interval", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1));
        boolean statusFlags = device.bool("status-flags", true);
        return new BacnetDeviceSettings(Math.max(instance, 0), address, port, lifetime, confirmed, check, statusFlags);
    }

    /** {@code object}, {@code property}, {@code index}, {@code cov}, {@code cov-increment}, {@code priority}. */
    public static BacnetPointSettings point(ConfigNode point) {
        BacnetObjectRef object = object(point).orElse(new BacnetObjectRef(0, 0));
        int property = property(point);
        Integer index = point.integer("index", (long) 0, 0xFFFF_FFFEL).map(Long::intValue).orElse(null);
        boolean cov = point.bool("cov", false);
        Float increment = point.number("cov-increment").map(Double::floatValue).orElse(null);
        if (increment != null && (!cov || increment <= 0)) {
            point.error("cov-increment", increment <= 0 ? "must be above 0, found " + increment
                    : "only applies with cov: true");
            increment = null;
        }
        if (cov && index != null) {
            point.error("cov", "COV cannot watch one element of an array property; remove index or cov");
            cov = false;
        }
        Integer priority = point.integer("priority", 1L, 16L).map(Long::intValue).orElse(null);
        if (priority != null && !point.bool("writable", false)) {
            point.error("priority", "a write priority needs writable: true");
        }
        return new BacnetPointSettings(object, property, index, cov, increment, priority);
    }

    private static Optional<BacnetObjectRef> object(ConfigNode point) {
        if (!point.has("object")) {
            point.missing("object", OBJECT_FORM);
            return Optional.empty();
        }
        return point.string("object").flatMap(text -> {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                point.error("object", "'" + text + "' is not an object; " + OBJECT_FORM);
                return Optional.empty();
            }
            String typeText = text.substring(0, colon);
            OptionalInt type = BacnetNames.objectType(typeText);
            if (type.isEmpty()) {
                String hint = DidYouMean.suggest(typeText.trim(), BacnetNames.objectTypeNames())
                        .map(s -> "did you mean '" + s + "'? ").orElse("");
                point.error("object", "unknown object type '" + typeText + "'; " + hint + OBJECT_FORM
                        + " (proprietary types by number, 128-1023)");
                return Optional.empty();
            }
            String instanceText = text.substring(colon + 1).trim();
            long instance;
            try {
                instance = Long.parseLong(instanceText);
            } catch (NumberFormatException e) {
                point.error("object", "the instance of '" + text + "' is not a number; " + OBJECT_FORM);
                return Optional.empty();
            }
            if (instance < 0 || instance > BacnetNames.MAX_INSTANCE) {
                point.error("object", "the instance must be 0 to " + BacnetNames.MAX_INSTANCE + ", found " + instance);
                return Optional.empty();
            }
            return Optional.of(new BacnetObjectRef(type.getAsInt(), (int) instance));
        });
    }

    private static int property(ConfigNode point) {
        return point.string("property").map(text -> {
            OptionalInt id = BacnetNames.property(text);
            if (id.isEmpty()) {
                String hint = DidYouMean.suggest(text.trim(), BacnetNames.propertyNames())
                        .map(s -> "did you mean '" + s + "'? ").orElse("");
                point.error("property", "unknown property '" + text + "'; " + hint
                        + "use the standard name (present-value, status-flags, units, ...) or a number");
                return BacnetPointSettings.PRESENT_VALUE;
            }
            return id.getAsInt();
        }).orElse(BacnetPointSettings.PRESENT_VALUE);
    }

    static boolean isHost(String text) {
        return HOST.matcher(text).matches();
    }
}
