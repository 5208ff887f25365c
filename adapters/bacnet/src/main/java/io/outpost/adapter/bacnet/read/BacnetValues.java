package io.outpost.adapter.bacnet.read;

import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.type.AmbiguousValue;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.constructed.DateTime;
import com.serotonin.bacnet4j.type.constructed.PriorityValue;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.constructed.TimeStamp;
import com.serotonin.bacnet4j.type.enumerated.BinaryPV;
import com.serotonin.bacnet4j.type.primitive.BitString;
import com.serotonin.bacnet4j.type.primitive.Boolean;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.Date;
import com.serotonin.bacnet4j.type.primitive.Double;
import com.serotonin.bacnet4j.type.primitive.Enumerated;
import com.serotonin.bacnet4j.type.primitive.Null;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.OctetString;
import com.serotonin.bacnet4j.type.primitive.Primitive;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.type.primitive.SignedInteger;
import com.serotonin.bacnet4j.type.primitive.Time;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.adapter.bacnet.config.BacnetObjectRef;
import io.outpost.core.point.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Turns BACnet values into point values: REAL and DOUBLE to numbers (a REAL keeps its shortest decimal form, 21.3
 * rather than 21.299999237060547), binary present values to booleans ({@code active} is true), other enumerations
 * and integers to whole numbers, strings to text, bit strings and arrays to arrays, dates and times to ISO text.
 */
public final class BacnetValues {

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private BacnetValues() {
    }

    /** The point value of {@code e}; empty for NULL (a relinquished priority slot, an unset property). */
    public static Optional<Value> toValue(Encodable e) {
        if (e instanceof Null) {
            return Optional.empty();
        }
        if (e instanceof AmbiguousValue ambiguous) {
            // Proprietary properties come undecoded; most hold one primitive. An empty one (an opening tag closed
            // at once: found by fuzzing) has no data at all, which bacnet4j's isNull() does not survive.
            if (ambiguous.getData() == null || ambiguous.isNull()) {
                return Optional.empty();
            }
            try {
                return toValue(ambiguous.convertTo(Primitive.class));
            } catch (BACnetException | RuntimeException notPrimitive) {
                return Optional.of(Value.of(HexFormat.of().formatHex(ambiguous.getData())));
            }
        }
        if (e instanceof PriorityValue pv) {
            return toValue(pv.getValue());
        }
        return Optional.of(scalar(e));
    }

    private static Value scalar(Encodable e) {
        if (e instanceof Real r) {
            return Value.ofFloat32(r.floatValue());
        }
        if (e instanceof Double d) {
            return Value.of(d.doubleValue());
        }
        if (e instanceof Boolean b) {
            return Value.of(b.booleanValue());
        }
        if (e instanceof BinaryPV pv) {
            return Value.of(pv.equals(BinaryPV.active));
        }
        if (e instanceof Enumerated en) {
            return Value.of((long) en.intValue());
        }
        if (e instanceof UnsignedInteger u) {
            BigInteger big = u.bigIntegerValue();
            return big.compareTo(LONG_MAX) <= 0 ? Value.of(big.longValue()) : new Value.UInt64(big.longValue());
        }
        if (e instanceof SignedInteger s) {
            return Value.of(s.bigIntegerValue().longValue());
        }
        if (e instanceof CharacterString s) {
            return Value.of(s.getValue());
        }
        if (e instanceof BitString bits) {
            List<Value> items = new ArrayList<>();
            for (boolean b : bits.getValue()) {
                items.add(Value.of(b));
            }
            return new Value.Array(items);
        }
        if (e instanceof SequenceOf<?> sequence) {
            List<Value> items = new ArrayList<>();
            for (Encodable item : sequence) {
                // A NULL element (a free slot of a priority array) keeps its place as the text "null".
                items.add(toValue(item).orElse(Value.of("null")));
            }
            return new Value.Array(items);
        }
        if (e instanceof OctetString o) {
            return Value.of(HexFormat.of().formatHex(o.getBytes()));
        }
        if (e instanceof ObjectIdentifier oid) {
            return Value.of(BacnetObjectRef.of(oid).toString());
        }
        if (e instanceof DateTime dt) {
            return Value.of(date(dt.getDate()) + "T" + time(dt.getTime()));
        }
        if (e instanceof Date d) {
            return Value.of(date(d));
        }
        if (e instanceof Time t) {
            return Value.of(time(t));
        }
        if (e instanceof TimeStamp ts) {
            return ts.isDateTime() ? scalar(ts.getDateTime()) : ts.isTime() ? scalar(ts.getTime())
                    : scalar(ts.getSequenceNumber());
        }
        return Value.of(described(e));
    }

    /**
     * The text bacnet4j gives a constructed value. Its toString() trusts the device's bytes: a malformed WeekNDay
     * in a CalendarEntry throws (found by fuzzing), and one odd property must not fail the whole read.
     */
    private static String described(Encodable e) {
        try {
            return e.toString();
        } catch (RuntimeException malformed) {
            return "malformed " + e.getClass().getSimpleName();
        }
    }

    private static String date(Date d) {
        return d.isSpecific() ? String.format("%04d-%02d-%02d", d.getCenturyYear(), d.getMonth().getId(), d.getDay()) : d.toString();
    }

    private static String time(Time t) {
        return t.isFullySpecified() ? String.format("%02d:%02d:%02d.%02d", t.getHour(), t.getMinute(), t.getSecond(),
                t.getHundredth()) : t.toString();
    }
}
