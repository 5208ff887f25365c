package io.outpost.app.fleet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.point.Sample;
import java.util.function.Supplier;

/**
 * Answers command requests on {@code <prefix>cmd} with a response on {@code <prefix>cmd/result}, request-response
 * by the request's {@code id}. Requests are JSON objects {@code {"id":"r-1","command":"metrics"}}; responses
 * {@code {"id":"r-1","ok":true,...}} or {@code {"id":"r-1","ok":false,"error":"unknown-command","message":"..."}},
 * at most {@link #MAX_RESPONSE_BYTES}. Commands: {@code metrics}, {@code read} (device, point: the latest reading). Read-only commands need no signature (who may publish to the command topic
 * is the broker's ACL); commands that change anything are signed like configurations (docs/fleet.md). Confined to
 * the fleet agent's thread.
 */
final class RemoteCommands {

    static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final FleetHost host;
    private final Supplier<FleetConfig> fleet;
    private final Supplier<TrustedKeys> keys;
    private final Clock clock;

    RemoteCommands(FleetHost host, Supplier<FleetConfig> fleet, Supplier<TrustedKeys> keys, Clock clock) {
        this.host = host;
        this.fleet = fleet;
        this.keys = keys;
        this.clock = clock;
    }

    /** The response to a request, or null when the request cannot be answered (no id to answer to). */
    byte[] handle(byte[] request) {
        if (!fleet.get().commands()) {
            return null;
        }
        String id = null;
        String command = null;
        String device = null;
        String point = null;
        if (request.length > MAX_REQUEST_BYTES) {
            return error(null, "too-large", "requests are at most " + MAX_REQUEST_BYTES + " bytes");
        }
        try (JsonParser p = FleetJson.JSON.createParser(request)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return error(null, "malformed", "a request is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_STRING && field.equals("id")) {
                    id = p.getText();
                } else if (t == JsonToken.VALUE_STRING && field.equals("command")) {
                    command = p.getText();
                } else if (t == JsonToken.VALUE_STRING && field.equals("device")) {
                    device = p.getText();
                } else if (t == JsonToken.VALUE_STRING && field.equals("point")) {
                    point = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return error(id, "malformed", "not valid JSON: " + e.getMessage());
        }
        if (command == null) {
            return error(id, "malformed", "command is required");
        }
        String answerId = id;
        return switch (command) {
            case "metrics" -> bounded(answerId, metrics(answerId));
            case "read" -> bounded(answerId, read(answerId, device, point));
            default -> error(id, "unknown-command", "known commands: metrics, read");
        };
    }

    private byte[] metrics(String id) {
        Map<String, DeviceStatus> devices = host.devices();
        return FleetJson.object(g -> {
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeBooleanField("ok", true);
            g.writeStringField("at", clock.instant().toString());
            g.writeObjectFieldStart("devices");
            for (Map.Entry<String, DeviceStatus> d : devices.entrySet()) {
                g.writeStringField(d.getKey(), d.getValue().state().name().toLowerCase(Locale.ROOT));
            }
            g.writeEndObject();
            g.writeArrayFieldStart("upstreams");
            for (UpstreamStatus u : host.upstreams()) {
                g.writeStartObject();
                g.writeStringField("name", u.upstream());
                g.writeStringField("state", u.state());
                g.writeNumberField("backlog", u.queuedMessages());
                g.writeNumberField("sent", u.sent());
                g.writeNumberField("acknowledged", u.acked());
                g.writeNumberField("reconnects", u.reconnects());
                g.writeNumberField("bytes-sent", u.bytesSent());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** The latest reading of a point as the gateway holds it (no device access: what the last poll read). */
    private byte[] read(String id, String device, String point) {
        if (device == null || point == null) {
            return error(id, "malformed", "read needs device and point");
        }
        Optional<Sample> latest = host.latest(device, point);
        if (latest.isEmpty()) {
            return error(id, "unknown-point", "no running point " + device + "/" + point);
        }
        Sample s = latest.get();
        return FleetJson.object(g -> {
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeBooleanField("ok", true);
            g.writeStringField("device", device);
            g.writeStringField("point", point);
            if (s.hasValue()) {
                g.writeFieldName("value");
                JsonPayloadFormat.writeValue(g, s.value());
            } else {
                g.writeNullField("value");
            }
            g.writeStringField("quality", s.quality().status().wireName());
            if (!s.quality().reason().isEmpty()) {
                g.writeStringField("reason", s.quality().reason());
            }
            g.writeNumberField("ts", s.sourceMillis());
        });
    }

    private byte[] bounded(String id, byte[] response) {
        return response.length <= MAX_RESPONSE_BYTES ? response
                : error(id, "too-large", "the answer has " + response.length + " bytes, at most " + MAX_RESPONSE_BYTES);
    }

    static byte[] error(String id, String code, String message) {
        return FleetJson.object(g -> {
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeBooleanField("ok", false);
            g.writeStringField("error", code);
            g.writeStringField("message", message);
        });
    }
}
