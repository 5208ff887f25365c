package io.outpost.app.fleet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes the fleet's JSON messages (births, results) to bytes. */
final class FleetJson {

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static final JsonFactory JSON = new JsonFactory();

    private FleetJson() {
    }

    static byte[] object(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
