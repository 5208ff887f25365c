package io.outpost.mqtt.internal.bridge.health;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The JSON published on {@code $SYS/outpost/upstreams/<name>} (retained), e.g.
 * <pre>{"upstream":"cloud","state":"connected","server":"mqtts://...:8883","connectedSince":1763700000123,
 *  "queued":{"messages":120,"bytes":30120,"storeBytes":65536,"maxBytes":536870912,"oldestSeconds":0.4},
 *  "inflight":12,"window":100,"rates":{"acks":52.1,"replay":0.0,"inflow":50.3,"inflowBytes":12100.5},
 *  "totals":{"sent":9120,"acked":9100,"reconnects":2,"stalls":0},"dropped":{"evicted":0},
 *  "autonomyHours":1234.5,"freeDiskBytes":51234567890,"lastError":"",
 *  "uplink":{"bytesSent":812345,"bytesReceived":20480,"pointUpdatesSent":120000,"bytesPerPointUpdate":6.9,
 *   "budget":{"state":"normal","usedBytes":1234567,"limitBytes":52428800,"periodEnd":1763769600000}}}</pre>
 * {@code autonomyHours} is null while nothing flows in (unbounded); {@code bytesPerPointUpdate} is null until a
 * point update was sent; {@code budget} is there only when the upstream has one.
 */
public final class StatusJson {

    private static final JsonFactory JSON = new JsonFactory();

    private StatusJson() {
    }

    public static byte[] render(UpstreamStatus s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("upstream", s.upstream());
            g.writeStringField("state", s.state());
            g.writeStringField("server", s.server());
            g.writeNumberField("connectedSince", s.connectedSinceMillis());
            g.writeObjectFieldStart("queued");
            g.writeNumberField("messages", s.queuedMessages());
            g.writeNumberField("bytes", s.queuedBytes());
            g.writeNumberField("storeBytes", s.storeBytes());
            g.writeNumberField("maxBytes", s.maxBytes());
            g.writeNumberField("oldestSeconds", round(s.oldestQueuedSeconds()));
            g.writeEndObject();
            g.writeNumberField("inflight", s.inflight());
            g.writeNumberField("window", s.window());
            g.writeObjectFieldStart("rates");
            g.writeNumberField("acks", round(s.ackRate()));
            g.writeNumberField("replay", round(s.replayRate()));
            g.writeNumberField("inflow", round(s.inflowRate()));
            g.writeNumberField("inflowBytes", round(s.inflowBytesRate()));
            g.writeEndObject();
            g.writeObjectFieldStart("totals");
            g.writeNumberField("sent", s.sent());
            g.writeNumberField("acked", s.acked());
            g.writeNumberField("reconnects", s.reconnects());
            g.writeNumberField("stalls", s.stalls());
            g.writeEndObject();
            g.writeObjectFieldStart("dropped");
            for (Map.Entry<String, Long> e : s.dropped().entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            if (Double.isInfinite(s.autonomyHours())) {
                g.writeNullField("autonomyHours");
            } else {
                g.writeNumberField("autonomyHours", round(s.autonomyHours()));
            }
            g.writeNumberField("freeDiskBytes", s.freeDiskBytes());
            g.writeStringField("lastError", s.lastError());
            g.writeObjectFieldStart("uplink");
            g.writeNumberField("bytesSent", s.bytesSent());
            g.writeNumberField("bytesReceived", s.bytesReceived());
            g.writeNumberField("pointUpdatesSent", s.pointUpdatesSent());
            if (Double.isNaN(s.bytesPerPointUpdate())) {
                g.writeNullField("bytesPerPointUpdate");
            } else {
                g.writeNumberField("bytesPerPointUpdate", Math.round(s.bytesPerPointUpdate() * 100) / 100.0);
            }
            if (s.budget() != null) {
                g.writeObjectFieldStart("budget");
                g.writeStringField("state", s.budget().state());
                g.writeNumberField("usedBytes", s.budget().usedBytes());
                g.writeNumberField("limitBytes", s.budget().limitBytes());
                g.writeNumberField("periodEnd", s.budget().periodEndMillis());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        return out.toByteArray();
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
