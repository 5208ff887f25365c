package io.outpost.core.logic.alarm;

import com.fasterxml.jackson.core.JsonGenerator;
import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.point.PointRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The alarm payloads (documented in docs/logic.md "Alarms"):
 * <ul>
 *   <li>state, retained per point: {@code {"point":"tank/level","alarms":[{alarm}...],"ts":...}};</li>
 *   <li>event per transition: {@code {"point":..,"alarm":"hi","event":"activated","previous":"normal",
 *       "state":"unacknowledged","active":true,"priority":"high","message":..,"value":91.5,"quality":"good",
 *       "by":"alice","client":"hmi-1","via":"mqtt","comment":..,"ts":...}};</li>
 *   <li>command result: {@code {"ok":true,"point":..,"action":"acknowledge","alarms":["hi"],"ts":..,"id":..}} or
 *       {@code {"ok":false,"point":..,"action":..,"error":"nothing-to-acknowledge","message":..,"ts":..}}.</li>
 * </ul>
 */
final class AlarmJson {

    private AlarmJson() {
    }

    static byte[] state(PointRef point, List<AlarmSnapshot> alarms, long now) {
        return write(g -> {
            g.writeStringField("point", point.toString());
            g.writeArrayFieldStart("alarms");
            for (AlarmSnapshot a : alarms) {
                g.writeStartObject();
                alarm(g, a);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("ts", now);
        });
    }

    static byte[] event(AlarmEvent e) {
        return write(g -> {
            AlarmSnapshot a = e.alarm();
            g.writeStringField("point", a.point().toString());
            g.writeStringField("alarm", a.rule().name());
            g.writeStringField("event", e.kind().wireName());
            g.writeStringField("previous", e.previous().wireName());
            g.writeStringField("state", a.status().wireName());
            g.writeBooleanField("active", a.active());
            g.writeStringField("priority", a.rule().priority().wireName());
            g.writeStringField("message", a.rule().message());
            if (e.value() != null) {
                g.writeFieldName("value");
                JsonPayloadFormat.writeValue(g, e.value());
            }
            if (e.quality() != null) {
                g.writeStringField("quality", e.quality().status().wireName());
            }
            g.writeStringField("by", e.by().name());
            g.writeStringField("client", e.by().client());
            g.writeStringField("via", e.by().via());
            if (!e.comment().isEmpty()) {
                g.writeStringField("comment", e.comment());
            }
            if (a.shelvedUntil() > 0) {
                g.writeNumberField("shelved-until", a.shelvedUntil());
            }
            g.writeNumberField("ts", e.at());
        });
    }

    static byte[] result(PointRef point, AlarmCommand command, AlarmResult result, long now) {
        return write(g -> {
            g.writeBooleanField("ok", result.ok());
            g.writeStringField("point", point.toString());
            g.writeStringField("action", command == null ? "" : command.action().wireName());
            if (result.ok()) {
                g.writeArrayFieldStart("alarms");
                for (String name : result.alarms()) {
                    g.writeString(name);
                }
                g.writeEndArray();
            } else {
                g.writeStringField("error", result.error());
                g.writeStringField("message", result.message());
            }
            g.writeNumberField("ts", now);
            if (command != null && command.requestId() != null) {
                g.writeStringField("id", command.requestId());
            }
        });
    }

    private static void alarm(JsonGenerator g, AlarmSnapshot a) throws IOException {
        g.writeStringField("alarm", a.rule().name());
        g.writeStringField("state", a.status().wireName());
        g.writeBooleanField("active", a.active());
        g.writeStringField("priority", a.rule().priority().wireName());
        g.writeStringField("message", a.rule().message());
        if (a.activeSince() > 0) {
            g.writeNumberField("active-since", a.activeSince());
        }
        g.writeNumberField("changed", a.changedAt());
        if (!a.ackBy().isEmpty()) {
            g.writeStringField("ack-by", a.ackBy());
            g.writeNumberField("ack-ts", a.ackAt());
        }
        if (a.shelvedUntil() > 0) {
            g.writeStringField("shelved-by", a.shelvedBy());
            g.writeNumberField("shelved-until", a.shelvedUntil());
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JsonPayloadFormat.JSON.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
