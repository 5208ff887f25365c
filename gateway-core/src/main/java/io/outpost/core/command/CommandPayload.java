package io.outpost.core.command;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a command message asks for. Accepted payloads, so that both people with {@code mosquitto_pub} and programs
 * are served:
 * <ul>
 *   <li>a bare JSON value: {@code 42}, {@code 21.5}, {@code true}, {@code "AUTO"};</li>
 *   <li>an object {@code {"value": 42, "id": "req-7"}}; {@code id} is echoed in the result (for MQTT 3.1.1
 *       clients that have no correlation data);</li>
 *   <li>a plain word that is not JSON ({@code AUTO}) is taken as a string;</li>
 *   <li>{@code null}, {@code {"value": null}} or {@code {"relinquish": true}}: relinquish the point (BACnet: write
 *       NULL at its priority), for protocols that have command priorities.</li>
 * </ul>
 *
 * @param value      Boolean, Long, BigInteger, Double, String or List of those; null when relinquishing
 * @param relinquish the command gives up the point instead of writing a value
 */
public record CommandPayload(Object value, String requestId, boolean relinquish) {

    public CommandPayload(Object value, String requestId) {
        this(value, requestId, false);
    }

    private static final JsonFactory JSON = new JsonFactory();

    public static CommandPayload parse(byte[] payload) throws CommandRejectedException {
        String text = new String(payload, StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) {
            throw new CommandRejectedException("bad-payload", "the command is empty; send a value such as 42 or {\"value\":42}");
        }
        char first = text.charAt(0);
        boolean looksJson = first == '{' || first == '[' || first == '"' || first == '-' || Character.isDigit(first)
                || text.equals("true") || text.equals("false") || text.equals("null");
        if (!looksJson) {
            return new CommandPayload(text, null);
        }
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken token = p.nextToken();
            CommandPayload result;
            if (token == JsonToken.START_OBJECT) {
                result = readObject(p);
            } else {
                Object value = readValue(p, token);
                result = new CommandPayload(value, null, value == null);
            }
            if (p.nextToken() != null) {
                throw new CommandRejectedException("bad-payload", "unexpected content after the value");
            }
            if (result.value == null && !result.relinquish) {
                throw new CommandRejectedException("bad-payload", "the command has no value; send {\"value\": ...}");
            }
            return result;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CommandRejectedException("bad-payload", "the command is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CommandRejectedException("bad-payload", "the command could not be read: " + e.getMessage());
        }
    }

    private static CommandPayload readObject(JsonParser p) throws IOException, CommandRejectedException {
        Object value = null;
        boolean nullValue = false;
        boolean relinquish = false;
        String id = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "value" -> {
                    value = readValue(p, v);
                    nullValue = v == JsonToken.VALUE_NULL;
                }
                case "relinquish" -> relinquish = v == JsonToken.VALUE_TRUE;
                case "id" -> id = p.getValueAsString();
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new CommandRejectedException("bad-payload", "the command object is not closed");
        }
        if (relinquish && value != null) {
            throw new CommandRejectedException("bad-payload", "a command either relinquishes or carries a value, not both");
        }
        return new CommandPayload(value, id, relinquish || nullValue);
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException, CommandRejectedException {
        switch (t) {
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getBigIntegerValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_STRING:
                return p.getText();
            case VALUE_NULL:
                return null;
            case START_ARRAY:
                List<Object> items = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(readValue(p, next));
                }
                return items;
            default:
                throw new CommandRejectedException("bad-payload", "unexpected " + t + " in the command");
        }
    }
}
