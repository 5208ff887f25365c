package io.outpost.core.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The default payload, one small JSON object per reading:
 * <pre>{"value":21.5,"quality":"good","ts":1763700000123}</pre>
 * <ul>
 *   <li>{@code value}: the engineering value (number, boolean, string or array); absent when nothing was read.</li>
 *   <li>{@code quality}: {@code good}, {@code uncertain} or {@code bad}.</li>
 *   <li>{@code reason}: only when the quality is not good, e.g. {@code timeout}, {@code device-exception:02}.</li>
 *   <li>{@code ts}: the source timestamp, milliseconds since 1970-01-01 UTC.</li>
 * </ul>
 * Non-finite floats are written as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
public final class JsonPayloadFormat implements PayloadFormat {

    public static final String NAME = "json";

    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String contentType() {
        return "application/json";
    }

    @Override
    public byte[] encode(PointConfig point, Sample sample) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (sample.hasValue()) {
                g.writeFieldName("value");
                writeValue(g, sample.value());
            }
            g.writeStringField("quality", sample.quality().status().wireName());
            if (!sample.quality().isGood()) {
                g.writeStringField("reason", sample.quality().reason());
            }
            g.writeNumberField("ts", sample.sourceTime().toEpochMilli());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Writes a value as JSON; shared with the command result encoder. */
    public static void writeValue(JsonGenerator g, Value value) throws IOException {
        if (value instanceof Value.Bool b) {
            g.writeBoolean(b.value());
        } else if (value instanceof Value.Int i) {
            g.writeNumber(i.value());
        } else if (value instanceof Value.UInt64 u) {
            g.writeNumber(new java.math.BigInteger(Long.toUnsignedString(u.bits())));
        } else if (value instanceof Value.Real r) {
            double d = r.value();
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeString(Double.toString(d));
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
