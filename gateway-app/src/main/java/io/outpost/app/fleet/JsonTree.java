package io.outpost.app.fleet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a small JSON document (a birth, a result) into maps, lists, strings, numbers, booleans and null, for the
 * fleet command line. Untrusted input: nesting is bounded, and a bad document is an {@link IOException}.
 */
final class JsonTree {

    private static final int MAX_DEPTH = 16;

    private JsonTree() {
    }

    static Map<String, Object> object(byte[] json) throws IOException {
        try (JsonParser p = FleetJson.JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) value(p, 0);
            return m;
        }
    }

    private static Object value(JsonParser p, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("nested deeper than " + MAX_DEPTH);
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p, depth + 1));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p, depth + 1));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + t);
        }
    }

    /** Writes a value read by this class (or a command value: maps, lists, strings, numbers, booleans, null). */
    static void write(com.fasterxml.jackson.core.JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else {
            g.writeObject(v);
        }
    }

    /** The document as compact JSON text. */
    static String toJson(Map<String, Object> m) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator g = FleetJson.JSON.createGenerator(out)) {
            write(g, m);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toString();
    }

    static String string(Map<String, Object> m, String key) {
        return m.get(key) instanceof String s ? s : "";
    }

    static long number(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> m, String key) {
        return m.get(key) instanceof Map<?, ?> o ? (Map<String, Object>) o : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> objects(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().filter(Map.class::isInstance).map(o -> (Map<String, Object>) o).toList();
    }
}
