package io.outpost.core.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.io.IOException;
import java.math.BigInteger;

/**
 * The default payload, one small JSON object per reading:
 * <pre>{"value":21.5,"quality":"good","ts":1763700000123}</pre>
 * <ul>
 *   <li>{@code value}: the engineering value (number, boolean, string or array); absent when nothing was read.</li>
 *   <li>{@code quality}: {@code good}, {@code uncertain} or {@code bad}.</li>
 *   <li>{@code reason}: only when the quality is not good, e.g. {@code timeout}, {@code device-exception:02}.</li>
 *   <li>{@code ts}: the source timestamp, milliseconds since 1970-01-01 UTC.</li>
 * </ul>
 * Numbers are the shortest decimal that reads back to the same value: of a float32 for single-precision values
 * ({@code 21.3}, never {@code 21.299999237060547}), of a double otherwise. Non-finite floats are written as the
 * strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
public final class JsonPayloadFormat implements PayloadFormat {

    public static final String NAME = "json";

    /** Every JSON writer of the gateway: numbers in their shortest form (Schubfach), as {@link #writeValue} needs. */
    public static final JsonFactory JSON = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String contentType() {
        return "application/json";
    }

    @Override
    public byte[] encode(Sample sample) {
        JsonBytes out = new JsonBytes(64);
        out.raw("{");
        if (sample.hasValue()) {
            out.raw("\"value\":").value(sample.value()).raw(",");
        }
        out.raw("\"quality\":\"").raw(sample.quality().status().wireName()).raw("\"");
        if (!sample.quality().isGood()) {
            out.raw(",\"reason\":").string(sample.quality().reason());
        }
        return out.raw(",\"ts\":").number(sample.sourceMillis()).raw("}").toByteArray();
    }

    /**
     * Writes a value as JSON, the one rule for every JSON the gateway writes (payloads, batches, the API). The
     * generator must come from {@link #JSON} (or have {@link StreamWriteFeature#USE_FAST_DOUBLE_WRITER} on), or
     * numbers are not written in their shortest form.
     */
    public static void writeValue(JsonGenerator g, Value value) throws IOException {
        if (value instanceof Value.Bool b) {
            g.writeBoolean(b.value());
        } else if (value instanceof Value.Int i) {
            g.writeNumber(i.value());
        } else if (value instanceof Value.UInt64 u) {
            g.writeNumber(new BigInteger(Long.toUnsignedString(u.bits())));
        } else if (value instanceof Value.Real r) {
            double d = r.value();
            if (!Double.isFinite(d)) {
                g.writeString(Double.toString(d));
            } else if (r.single()) {
                g.writeNumber((float) d);
            } else {
                g.writeNumber(d);
            }
        } else if (value instanceof Value.Text t) {
            g.writeString(t.value());
        } else if (value instanceof Value.Array a) {
            g.writeStartArray();
            for (Value item : a.items()) {
                writeValue(g, item);
            }
            g.writeEndArray();
        }
    }
}
