package io.outpost.adapter.bacnet.read;

import com.serotonin.bacnet4j.obj.ObjectProperties;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.enumerated.EngineeringUnits;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import io.outpost.adapter.bacnet.config.BacnetPointSettings;
import io.outpost.adapter.bacnet.stack.BacnetPeer;
import io.outpost.adapter.bacnet.stack.BacnetRequestException;
import io.outpost.adapter.bacnet.stack.PropertyReader;
import io.outpost.adapter.bacnet.stack.PropertyRef;
import io.outpost.adapter.bacnet.stack.PropertyResult;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a device says about the objects behind present-value points, read in one go when connecting: the object's
 * name, its engineering units ({@code unit} as a symbol such as {@code °C}, {@code bacnet-units} as the standard
 * name), and the texts of binary and multi-state values. Blocking: runs on the device's IO thread.
 */
public final class PointDescriptions {

    private static final List<PropertyIdentifier> TEXTS = List.of(PropertyIdentifier.objectName, PropertyIdentifier.units,
            PropertyIdentifier.activeText, PropertyIdentifier.inactiveText, PropertyIdentifier.stateText);

    private final PropertyReader reader;

    public PointDescriptions(PropertyReader reader) {
        this.reader = reader;
    }

    /** Point id to its metadata, for points whose device said anything about them. */
    public Map<String, Map<String, String>> read(BacnetPeer peer, List<PointConfig> points) throws BacnetRequestException {
        List<PropertyRef> refs = new ArrayList<>();
        for (PointConfig p : points) {
            BacnetPointSettings s = p.settings(BacnetPointSettings.class);
            if (s.isPresentValue()) {
                ObjectIdentifier object = s.object().toIdentifier();
                TEXTS.stream().filter(t -> has(object.getObjectType(), t)).forEach(t -> refs.add(PropertyRef.of(object, t)));
            }
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (refs.isEmpty()) {
            return out;
        }
        Map<PropertyRef, PropertyResult> results = reader.read(peer, refs);
        for (PointConfig p : points) {
            BacnetPointSettings s = p.settings(BacnetPointSettings.class);
            if (!s.isPresentValue()) {
                continue;
            }
            Map<String, String> meta = new LinkedHashMap<>();
            ObjectIdentifier object = s.object().toIdentifier();
            for (PropertyIdentifier t : TEXTS) {
                PropertyResult r = results.get(PropertyRef.of(object, t));
                if (r != null && r.ok()) {
                    put(meta, t, r.value());
                }
            }
            if (!meta.isEmpty()) {
                out.put(p.id(), meta);
            }
        }
        return out;
    }

    private static void put(Map<String, String> meta, PropertyIdentifier property, Encodable value) {
        if (value instanceof EngineeringUnits units) {
            meta.put("unit", Units.symbol(units));
            meta.put("bacnet-units", Units.name(units));
        } else if (value instanceof CharacterString text) {
            meta.put(property.toString(), text.getValue());
        } else {
            BacnetValues.toValue(value).ifPresent(v -> meta.put(property.toString(), v instanceof Value.Array a
                    ? a.items().stream().map(Value::toString).collect(Collectors.joining(", ")) : v.toString()));
        }
    }

    private static boolean has(ObjectType type, PropertyIdentifier property) {
        return property.equals(PropertyIdentifier.objectName)
                || ObjectProperties.getObjectPropertyTypeDefinition(type, property) != null;
    }
}
