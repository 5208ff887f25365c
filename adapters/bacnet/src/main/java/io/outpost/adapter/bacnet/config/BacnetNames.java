package io.outpost.adapter.bacnet.config;

import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.Enumerated;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * BACnet object type and property names as people write them in YAML: the standard's own names in lower case with
 * hyphens ({@code analog-input}, {@code present-value}), the usual abbreviations ({@code AI}, {@code BO},
 * {@code MSV}), spellings without the hyphen in "multi-state", and plain numbers for proprietary types and
 * properties.
 */
public final class BacnetNames {

    /** Highest object type number (10 bits); 128 and up are proprietary. */
    public static final int MAX_OBJECT_TYPE = 1023;
    /** Highest valid object instance; 4194303 is the "unconfigured" wildcard. */
    public static final int MAX_INSTANCE = 4_194_302;
    /** Highest property identifier (22 bits). */
    public static final int MAX_PROPERTY = 4_194_303;

    private static final Map<String, ObjectType> ABBREVIATIONS = Map.ofEntries(
            Map.entry("ai", ObjectType.analogInput), Map.entry("ao", ObjectType.analogOutput),
            Map.entry("av", ObjectType.analogValue), Map.entry("bi", ObjectType.binaryInput),
            Map.entry("bo", ObjectType.binaryOutput), Map.entry("bv", ObjectType.binaryValue),
            Map.entry("mi", ObjectType.multiStateInput), Map.entry("msi", ObjectType.multiStateInput),
            Map.entry("mo", ObjectType.multiStateOutput), Map.entry("mso", ObjectType.multiStateOutput),
            Map.entry("mv", ObjectType.multiStateValue), Map.entry("msv", ObjectType.multiStateValue),
            Map.entry("dev", ObjectType.device));

    private BacnetNames() {
    }

    /** An object type by name, abbreviation or number (0-1023). */
    public static OptionalInt objectType(String text) {
        String t = normalise(text);
        OptionalInt number = number(t, MAX_OBJECT_TYPE);
        if (number.isPresent()) {
            return number;
        }
        ObjectType abbreviated = ABBREVIATIONS.get(t);
        if (abbreviated != null) {
            return OptionalInt.of(abbreviated.intValue());
        }
        Enumerated named = ObjectType.getNameMap().get(t.replace("multistate", "multi-state"));
        return named == null ? OptionalInt.empty() : OptionalInt.of(named.intValue());
    }

    /** A property identifier by name or number. */
    public static OptionalInt property(String text) {
        String t = normalise(text);
        OptionalInt number = number(t, MAX_PROPERTY);
        if (number.isPresent()) {
            return number;
        }
        Enumerated named = PropertyIdentifier.getNameMap().get(t);
        return named == null ? OptionalInt.empty() : OptionalInt.of(named.intValue());
    }

    public static String objectTypeName(int type) {
        return ObjectType.forId(type).toString();
    }

    public static String propertyName(int property) {
        return PropertyIdentifier.forId(property).toString();
    }

    /** Names of the standard object types, for did-you-mean suggestions. */
    public static List<String> objectTypeNames() {
        List<String> names = new ArrayList<>(ObjectType.getNameMap().keySet());
        ABBREVIATIONS.keySet().forEach(a -> names.add(a.toUpperCase(Locale.ROOT)));
        return names;
    }

    public static List<String> propertyNames() {
        return List.copyOf(PropertyIdentifier.getNameMap().keySet());
    }

    /**
     * The standard name of an enumerated value in the lower-case hyphenated form, e.g. {@code unknown-object} for
     * an error code; the number when the library has no name for it (proprietary values).
     */
    public static String enumName(Enumerated value) {
        String text = value.toString();
        return text.startsWith("Enumerated [") ? Integer.toString(value.intValue()) : text;
    }

    private static String normalise(String text) {
        return text.trim().toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-');
    }

    private static OptionalInt number(String text, int max) {
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit) || text.length() > 9) {
            return OptionalInt.empty();
        }
        int n = Integer.parseInt(text);
        return n <= max ? OptionalInt.of(n) : OptionalInt.empty();
    }

}
