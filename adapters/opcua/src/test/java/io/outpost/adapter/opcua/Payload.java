package io.outpost.adapter.opcua;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A published JSON payload read back: {@code value} (number, boolean, text or list), quality, reason, ts. */
record Payload(Object value, String quality, String reason, long ts, Map<String, Object> fields) {

    private static final JsonFactory JSON = new JsonFactory();

    static Payload parse(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) read(p);
            Object ts = m.get("ts");
            return new Payload(m.get("value"), (String) m.get("quality"), (String) m.getOrDefault("reason", ""),
                    ts instanceof Number n ? n.longValue() : 0, m);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    double number() {
        return ((Number) value).doubleValue();
    }

    boolean good() {
        return "good".equals(quality);
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, read(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_NUMBER_INT -> {
                Number n = p.getNumberValue();
                return n instanceof Integer i ? Long.valueOf(i) : n;
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> {
                return p.getText();
            }
        }
    }
}
