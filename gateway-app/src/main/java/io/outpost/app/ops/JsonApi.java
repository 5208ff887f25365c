package io.outpost.app.ops;

import com.fasterxml.jackson.core.JsonGenerator;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.poll.DeviceActivity;
import io.outpost.core.point.Sample;
import io.outpost.core.report.PointState;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The JSON documents behind the console: overview, devices, points (filterable), upstreams, history, events.
 * Field names are part of the API: keep them stable.
 */
public final class JsonApi {


    private final GatewayRuntime runtime;
    private final Supplier<List<UpstreamStatus>> upstreams;
    private final HealthMonitor health;
    private final MetricsHistory history;
    private final RecentEvents events;
    private final Clock clock;
    private final String version;
    private final long startedMillis;

    public JsonApi(GatewayRuntime runtime, Supplier<List<UpstreamStatus>> upstreams, HealthMonitor health,
                   MetricsHistory history, RecentEvents events, Clock clock, String version) {
        this.runtime = runtime;
        this.upstreams = upstreams;
        this.health = health;
        this.history = history;
        this.events = events;
        this.clock = clock;
        this.version = version;
        this.startedMillis = clock.millis();
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = JsonPayloadFormat.JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public byte[] health(HealthMonitor.Report report) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("status", report.healthy() ? "healthy" : "unhealthy");
            g.writeArrayFieldStart("checks");
            for (HealthCheck.Health h : report.items()) {
                g.writeStartObject();
                g.writeStringField("component", h.component());
                g.writeBooleanField("healthy", h.healthy());
                g.writeStringField("detail", h.detail());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    public byte[] overview() {
        GatewayConfig config = runtime.config();
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("gateway", config.gateway().id());
            g.writeStringField("site", config.gateway().site());
            g.writeStringField("version", version);
            g.writeNumberField("uptimeSeconds", (clock.millis() - startedMillis) / 1000);
            g.writeBooleanField("healthy", health.healthy());
            g.writeNumberField("devices", config.devices().size());
            g.writeNumberField("points", config.devices().stream().mapToInt(d -> d.points().size()).sum());
            g.writeEndObject();
        });
    }

    public byte[] devices() {
        GatewayConfig config = runtime.config();
        Map<String, DeviceConfig> byId = new java.util.HashMap<>();
        config.devices().forEach(d -> byId.put(d.id(), d));
        return json(g -> {
            g.writeStartArray();
            for (DeviceActivity a : runtime.activity()) {
                DeviceConfig d = byId.get(a.device());
                g.writeStartObject();
                g.writeStringField("id", a.device());
                g.writeStringField("protocol", d == null ? "" : d.protocol());
                g.writeStringField("state", a.status().state().name().toLowerCase(Locale.ROOT));
                g.writeStringField("reason", a.status().reason());
                g.writeNumberField("since", a.status().since().toEpochMilli());
                g.writeNumberField("points", d == null ? 0 : d.points().size());
                g.writeNumberField("consecutiveFailures", a.consecutiveFailures());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** Points whose device/point id, topic or unit contains {@code filter} (case-insensitive); all when blank. */
    public byte[] points(String filter) {
        String f = filter == null ? "" : filter.toLowerCase(Locale.ROOT);
        long now = clock.millis();
        List<PointState> rows = runtime.values().all().stream()
                .filter(l -> l.latest() != null)
                .filter(l -> f.isEmpty() || (l.ref() + " " + l.config().publication().topic() + " " + l.config().unit())
                        .toLowerCase(Locale.ROOT).contains(f))
                .sorted(Comparator.comparing(l -> l.ref().toString()))
                .toList();
        return json(g -> {
            g.writeStartArray();
            for (PointState l : rows) {
                Sample latest = l.latest();
                g.writeStartObject();
                g.writeStringField("device", l.ref().device());
                g.writeStringField("point", l.ref().point());
                if (latest.hasValue()) {
                    g.writeFieldName("value");
                    JsonPayloadFormat.writeValue(g, latest.value());
                }
                g.writeStringField("quality", latest.quality().status().wireName());
                g.writeStringField("reason", latest.quality().reason());
                g.writeNumberField("ts", latest.sourceMillis());
                g.writeNumberField("ageSeconds", Math.max(0, (now - latest.sourceMillis()) / 1000.0));
                g.writeStringField("unit", l.config().unit());
                g.writeStringField("topic", l.config().publication().topic());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    public byte[] upstreams() {
        return json(g -> {
            g.writeStartArray();
            for (UpstreamStatus u : upstreams.get()) {
                g.writeStartObject();
                g.writeStringField("name", u.upstream());
                g.writeStringField("state", u.state());
                g.writeStringField("server", u.server() == null ? "" : u.server());
                g.writeNumberField("queuedMessages", u.queuedMessages());
                g.writeNumberField("queuedBytes", u.queuedBytes());
                g.writeNumberField("oldestQueuedSeconds", u.oldestQueuedSeconds());
                g.writeNumberField("inflight", u.inflight());
                g.writeNumberField("acked", u.acked());
                g.writeNumberField("ackRate", finite(u.ackRate()));
                g.writeNumberField("reconnects", u.reconnects());
                // Infinite autonomy (nothing flowing in) is -1: JSON has no infinity.
                g.writeNumberField("autonomyHours", finite(u.autonomyHours()));
                // What a reading costs on the link; -1 until the first point update went out.
                g.writeNumberField("bytesPerPointUpdate", finite(u.bytesPerPointUpdate()));
                g.writeObjectFieldStart("dropped");
                for (Map.Entry<String, Long> d : u.dropped().entrySet()) {
                    g.writeNumberField(d.getKey(), d.getValue());
                }
                g.writeEndObject();
                g.writeStringField("lastError", u.lastError() == null ? "" : u.lastError());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : -1;
    }

    public byte[] history() {
        List<MetricsHistory.Sample> samples = history.samples();
        return json(g -> {
            g.writeStartObject();
            g.writeNumberField("periodSeconds", MetricsHistory.PERIOD_SECONDS);
            g.writeArrayFieldStart("samples");
            for (MetricsHistory.Sample s : samples) {
                g.writeStartObject();
                g.writeNumberField("ts", s.timestampMillis());
                g.writeNumberField("pointsPerSecond", s.pointsPerSecond());
                g.writeObjectFieldStart("upstreams");
                for (Map.Entry<String, long[]> u : s.upstreams().entrySet()) {
                    g.writeObjectFieldStart(u.getKey());
                    g.writeNumberField("queued", u.getValue()[0]);
                    g.writeNumberField("ackedPerSecond", u.getValue()[1]);
                    g.writeEndObject();
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    public byte[] events() {
        return json(g -> {
            g.writeStartArray();
            for (RecentEvents.Event e : events.newestFirst()) {
                g.writeStartObject();
                g.writeNumberField("ts", e.timestampMillis());
                g.writeStringField("level", e.level());
                g.writeStringField("logger", e.logger());
                g.writeStringField("message", e.message());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }
}
