package io.outpost.mqtt.internal.bridge.sparkplug;

import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;

/** Sparkplug B data type codes (specification 3.0, section 6.4.16) and how point types map to them. Stateless. */
final class SparkplugTypes {

    static final int INT16 = 2;
    static final int INT32 = 3;
    static final int INT64 = 4;
    static final int UINT16 = 6;
    static final int UINT32 = 7;
    static final int UINT64 = 8;
    static final int FLOAT = 9;
    static final int DOUBLE = 10;
    static final int BOOLEAN = 11;
    static final int STRING = 12;

    private SparkplugTypes() {
    }

    /**
     * The metric type of a point: its configured type, else the kind of value it has (OPC UA and BACnet points learn
     * theirs from the device), else Double. Arrays go as String holding a JSON array.
     */
    static int of(DataType type, Value sample) {
        if (type != null) {
            return switch (type) {
                case BOOL -> BOOLEAN;
                case INT16 -> INT16;
                case INT32 -> INT32;
                case INT64 -> INT64;
                case UINT16 -> UINT16;
                case UINT32 -> UINT32;
                case UINT64 -> UINT64;
                case FLOAT32 -> FLOAT;
                case FLOAT64 -> DOUBLE;
                case STRING, ARRAY -> STRING;
            };
        }
        if (sample instanceof Value.Bool) {
            return BOOLEAN;
        }
        if (sample instanceof Value.Int) {
            return INT64;
        }
        if (sample instanceof Value.UInt64) {
            return UINT64;
        }
        if (sample instanceof Value.Text || sample instanceof Value.Array) {
            return STRING;
        }
        return DOUBLE;
    }

    /** Writes {@code v} in the value field the type uses; false when it cannot (then the metric goes as null). */
    static boolean writeValue(ProtoWriter m, int type, Value v) {
        if (type != STRING && !v.isNumeric()) {
            return false;
        }
        switch (type) {
            case BOOLEAN:
                m.bool(14, v.asDouble() != 0);
                return true;
            case INT16, INT32, UINT16, UINT32:
                if (!Double.isFinite(v.asDouble())) {
                    return false;
                }
                // uint32 field: negative Int16/Int32 go as their two's complement, as Tahu writes them.
                m.uint64(10, (long) v.asDouble() & 0xFFFF_FFFFL);
                return true;
            case INT64:
                if (!Double.isFinite(v.asDouble())) {
                    return false;
                }
                m.uint64(11, v instanceof Value.Int i ? i.value() : (long) v.asDouble());
                return true;
            case UINT64:
                m.uint64(11, v instanceof Value.UInt64 u ? u.bits() : (long) v.asDouble());
                return true;
            case FLOAT:
                m.fixed32(12, Float.floatToIntBits((float) v.asDouble()));
                return true;
            case DOUBLE:
                m.fixed64(13, Double.doubleToLongBits(v.asDouble()));
                return true;
            default:
                m.string(15, text(v));
                return true;
        }
    }

    private static String text(Value v) {
        if (v instanceof Value.Array a) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < a.items().size(); i++) {
                Value item = a.items().get(i);
                b.append(i == 0 ? "" : ",").append(item instanceof Value.Text t ? "\"" + t.value().replace("\"", "\\\"") + "\"" : item);
            }
            return b.append(']').toString();
        }
        return v.toString();
    }
}
