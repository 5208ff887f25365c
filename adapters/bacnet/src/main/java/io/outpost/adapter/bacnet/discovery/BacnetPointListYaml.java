package io.outpost.adapter.bacnet.discovery;

import com.serotonin.bacnet4j.obj.ObjectProperties;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a discovered device as a ready {@code devices:} entry: one point per object that has a present value, its
 * id taken from the object name (made safe for topics), its unit, and its description as a comment. Commandable
 * objects are marked with a comment rather than made writable: commanding equipment is a decision for a person.
 */
public final class BacnetPointListYaml {

    private BacnetPointListYaml() {
    }

    public static String render(String deviceId, DiscoveredDevice device, List<DiscoveredObject> objects) {
        StringBuilder b = new StringBuilder();
        b.append("  - id: ").append(deviceId).append('\n');
        b.append("    protocol: bacnet\n");
        b.append("    connection: {device-instance: ").append(device.instance());
        if (device.directlyReachable()) {
            b.append(", address: ").append(device.address()).append(", port: ").append(device.port());
        }
        b.append("}\n");
        b.append("    points:\n");
        Set<String> ids = new HashSet<>();
        for (DiscoveredObject o : objects) {
            ObjectType type = ObjectType.forId(o.object().type());
            if (ObjectProperties.getObjectPropertyTypeDefinition(type, PropertyIdentifier.presentValue) == null) {
                continue;
            }
            b.append("      - {id: ").append(uniqueId(o, ids)).append(", object: ").append(o.object());
            if (!o.units().isEmpty()) {
                b.append(", unit: ").append(quote(o.units()));
            }
            b.append('}');
            String comment = comment(o, type);
            if (!comment.isEmpty()) {
                b.append("   # ").append(comment);
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String comment(DiscoveredObject o, ObjectType type) {
        String description = o.description().replaceAll("[\\r\\n]+", " ").trim();
        boolean commandable = ObjectProperties.isCommandable(type, PropertyIdentifier.presentValue);
        String hint = commandable ? "commandable: add writable: true and a priority to command it" : "";
        return description.isEmpty() ? hint : hint.isEmpty() ? description : description + "; " + hint;
    }

    /** The object name as a point id: lower case, letters, digits, '-', '_' and '.', unique in the device. */
    static String uniqueId(DiscoveredObject o, Set<String> taken) {
        String base = o.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-").replaceAll("-{2,}", "-")
                .replaceAll("^[-_.]+|[-_.]+$", "");
        if (base.isEmpty()) {
            base = o.object().toString().replace(':', '-');
        }
        if (base.length() > 100) {
            base = base.substring(0, 100);
        }
        String id = base;
        for (int n = 2; !taken.add(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
