package io.outpost.core.point;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The type of a point's value as the device delivers it. Integer types carry their range so that writes and
 * conversions can be checked against it; {@link #ARRAY} holds a list of scalars (OPC UA arrays).
 */
public enum DataType {
    BOOL("bool", false, 0, 0),
    INT16("int16", true, Short.MIN_VALUE, Short.MAX_VALUE),
    INT32("int32", true, Integer.MIN_VALUE, Integer.MAX_VALUE),
    INT64("int64", true, Long.MIN_VALUE, Long.MAX_VALUE),
    UINT16("uint16", true, 0, 0xFFFF),
    UINT32("uint32", true, 0, 0xFFFF_FFFFL),
    /** Unsigned 64-bit: its range does not fit a {@code long}; values are held as {@link Value.UInt64}. */
    UINT64("uint64", true, 0, Long.MAX_VALUE),
    FLOAT32("float32", false, 0, 0),
    FLOAT64("float64", false, 0, 0),
    STRING("string", false, 0, 0),
    ARRAY("array", false, 0, 0);

    private final String configName;
    private final boolean integer;
    private final long min;
    private final long max;

    DataType(String configName, boolean integer, long min, long max) {
        this.configName = configName;
        this.integer = integer;
        this.min = min;
        this.max = max;
    }

    /** The name used in YAML and payloads, e.g. {@code float32}. */
    public String configName() {
        return configName;
    }

    public boolean isInteger() {
        return integer;
    }

    public boolean isNumeric() {
        return integer || this == FLOAT32 || this == FLOAT64;
    }

    /** Smallest value of an integer type; meaningless for other types. */
    public long min() {
        return min;
    }

    /** Largest value of an integer type that fits a signed long (uint64 is checked separately). */
    public long max() {
        return max;
    }

    public static Optional<DataType> fromConfigName(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.configName.equals(wanted)).findFirst();
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(DataType::configName).toList();
    }

    @Override
    public String toString() {
        return configName;
    }
}
