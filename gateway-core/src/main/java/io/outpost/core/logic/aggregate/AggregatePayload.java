package io.outpost.core.logic.aggregate;

import com.fasterxml.jackson.core.JsonGenerator;
import io.outpost.core.message.JsonPayloadFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * One window as JSON: {@code {"start":..,"end":..,"min":..,"max":..,"avg":..,"twa":..,"first":..,"last":..,
 * "count":..,"stddev":..,"quality":"good","readings":{"good":60,"uncertain":0,"bad":0},"coverage":1.0}}. Times in ms
 * since the epoch; a statistic without a value in the window (nothing known) is left out.
 */
final class AggregatePayload {

    private AggregatePayload() {
    }

    static byte[] render(WindowStats.Result r, Set<AggregateFunction> functions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(192);
        try (JsonGenerator g = JsonPayloadFormat.JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("start", r.start());
            g.writeNumberField("end", r.end());
            number(g, functions, AggregateFunction.MIN, "min", r.min());
            number(g, functions, AggregateFunction.MAX, "max", r.max());
            number(g, functions, AggregateFunction.AVG, "avg", r.avg());
            number(g, functions, AggregateFunction.TWA, "twa", r.twa());
            number(g, functions, AggregateFunction.FIRST, "first", r.first());
            number(g, functions, AggregateFunction.LAST, "last", r.last());
            if (functions.contains(AggregateFunction.COUNT)) {
                g.writeNumberField("count", r.count());
            }
            number(g, functions, AggregateFunction.STDDEV, "stddev", r.stddev());
            g.writeStringField("quality", r.quality().name().toLowerCase(java.util.Locale.ROOT));
            g.writeObjectFieldStart("readings");
            g.writeNumberField("good", r.good());
            g.writeNumberField("uncertain", r.uncertain());
            g.writeNumberField("bad", r.bad());
            g.writeEndObject();
            g.writeNumberField("coverage", r.coverage());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void number(JsonGenerator g, Set<AggregateFunction> functions, AggregateFunction f, String name,
                               double value) throws IOException {
        if (functions.contains(f) && !Double.isNaN(value) && !Double.isInfinite(value)) {
            g.writeNumberField(name, value);
        }
    }
}
