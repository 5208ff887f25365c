package io.outpost.mqtt.internal.bridge.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Encodes a batch of queued messages as {@code json-batch} or {@code cbor-batch}; both have one structure (see
 * {@code docs/uplink-formats.md}):
 * <pre>
 * {"v":1, "t":base ms, ["h":true,]
 *  "d":{device:{point:[[dt, value], [dt, value, quality, reason], ...]}},
 *  ["m":[{"t":local topic, "dt":ms, "p":payload text | "b":payload base64 (JSON) / bytes (CBOR)}]]}
 * </pre>
 * {@code t} is the earliest timestamp in the batch and {@code dt} each reading's source time relative to it, in
 * milliseconds; quality and reason appear only when the quality is not good. Readings of one point keep their order.
 * Stateless and thread-safe.
 */
public final class BatchEncoder {

    /** Version of the batch structure; a consumer rejects versions it does not know. */
    public static final int VERSION = 1;

    private BatchEncoder() {
    }

    /**
     * What goes into one batch, grouped: the readings ordered by device, then point, then as queued (a stable sort,
     * no map per batch), with the index where each device's and each point's run starts; the other messages in order.
     */
    private static final class Grouped {
        final long base;
        final Sample[] readings;
        /** Start index of each device's run in {@link #readings}, then the end. */
        final int[] devices;
        /** Start index of each point's run, then the end. */
        final int[] points;
        final List<StoredRecord> messages;

        Grouped(long base, Sample[] readings, int[] devices, int[] points, List<StoredRecord> messages) {
            this.base = base;
            this.readings = readings;
            this.devices = devices;
            this.points = points;
            this.messages = messages;
        }

        int deviceCount() {
            return devices.length - 1;
        }

        /** The points' runs of device {@code d}: indexes into {@link #points}, from inclusive, to exclusive. */
        int firstPointOf(int d) {
            return Arrays.binarySearch(points, 0, points.length, devices[d]);
        }

        int endPointOf(int d) {
            return Arrays.binarySearch(points, 0, points.length, devices[d + 1]);
        }
    }

    public static byte[] encode(BatchFormat format, List<StoredRecord> batch, boolean history) {
        Grouped g = group(batch);
        return switch (format) {
            case JSON_BATCH -> json(g, history);
            case CBOR_BATCH -> cbor(g, history);
            default -> throw new IllegalArgumentException(format + " is not a batch format of this encoder");
        };
    }

    /** A rough size of a message's part of a batch before compression, to bound batches while they fill. */
    public static int estimate(StoredRecord r) {
        Sample s = r.sample();
        if (s == null) {
            return r.localTopic().length() + r.message().payload().length + 16;
        }
        Value v = s.value();
        int value = v == null ? 1 : v instanceof Value.Text t ? t.value().length() + 3 : v instanceof Value.Array a ? a.items().size() * 9 + 2 : 9;
        return s.point().point().length() + value + 10 + (s.quality().isGood() ? 0 : 20);
    }

    private static Grouped group(List<StoredRecord> batch) {
        long base = Long.MAX_VALUE;
        Sample[] readings = new Sample[batch.size()];
        int n = 0;
        List<StoredRecord> messages = List.of();
        for (StoredRecord r : batch) {
            Sample s = r.sample();
            if (s == null) {
                if (messages.isEmpty()) {
                    messages = new ArrayList<>();
                }
                messages.add(r);
                base = Math.min(base, r.receivedAtMillis());
                continue;
            }
            base = Math.min(base, s.sourceMillis());
            readings[n++] = s;
        }
        readings = Arrays.copyOf(readings, n);
        // Stable: a point's readings keep their order. Usually sorted already (a poll's points in order).
        Arrays.sort(readings, BY_POINT);
        int[] devices = new int[n + 1];
        int[] points = new int[n + 1];
        int d = 0;
        int p = 0;
        for (int i = 0; i < n; i++) {
            PointRef ref = readings[i].point();
            if (i == 0 || !ref.device().equals(readings[i - 1].point().device())) {
                devices[d++] = i;
                points[p++] = i;
            } else if (!ref.point().equals(readings[i - 1].point().point())) {
                points[p++] = i;
            }
        }
        devices[d++] = n;
        points[p++] = n;
        return new Grouped(base == Long.MAX_VALUE ? 0 : base, readings, Arrays.copyOf(devices, d),
                Arrays.copyOf(points, p), messages);
    }

    private static final Comparator<Sample> BY_POINT = (a, b) -> {
        int c = a.point().device().compareTo(b.point().device());
        return c != 0 ? c : a.point().point().compareTo(b.point().point());
    };

    // ------------------------------------------------------------------ JSON

    private static byte[] json(Grouped g, boolean history) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator j = JsonPayloadFormat.JSON.createGenerator(out)) {
            j.writeStartObject();
            j.writeNumberField("v", VERSION);
            j.writeNumberField("t", g.base);
            if (history) {
                j.writeBooleanField("h", true);
            }
            j.writeObjectFieldStart("d");
            for (int d = 0; d < g.deviceCount(); d++) {
                j.writeObjectFieldStart(g.readings[g.devices[d]].point().device());
                for (int p = g.firstPointOf(d); p < g.endPointOf(d); p++) {
                    j.writeArrayFieldStart(g.readings[g.points[p]].point().point());
                    for (int i = g.points[p]; i < g.points[p + 1]; i++) {
                        Sample s = g.readings[i];
                        j.writeStartArray();
                        j.writeNumber(s.sourceMillis() - g.base);
                        if (s.value() == null) {
                            j.writeNull();
                        } else {
                            JsonPayloadFormat.writeValue(j, s.value());
                        }
                        if (!s.quality().isGood()) {
                            j.writeString(s.quality().status().wireName());
                            j.writeString(s.quality().reason());
                        }
                        j.writeEndArray();
                    }
                    j.writeEndArray();
                }
                j.writeEndObject();
            }
            j.writeEndObject();
            if (!g.messages.isEmpty()) {
                j.writeArrayFieldStart("m");
                for (StoredRecord m : g.messages) {
                    j.writeStartObject();
                    j.writeStringField("t", m.localTopic());
                    j.writeNumberField("dt", m.receivedAtMillis() - g.base);
                    byte[] payload = m.message().payload();
                    String text = utf8(payload);
                    if (text != null) {
                        j.writeStringField("p", text);
                    } else {
                        j.writeStringField("b", Base64.getEncoder().encodeToString(payload));
                    }
                    j.writeEndObject();
                }
                j.writeEndArray();
            }
            j.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** The payload as text when it is valid UTF-8 (JSON payloads are), else null. */
    private static String utf8(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ CBOR

    private static byte[] cbor(Grouped g, boolean history) {
        CborWriter c = new CborWriter(1024);
        c.map(3 + (history ? 1 : 0) + (g.messages.isEmpty() ? 0 : 1));
        c.text("v").integer(VERSION);
        c.text("t").integer(g.base);
        if (history) {
            c.text("h").bool(true);
        }
        c.text("d").map(g.deviceCount());
        for (int d = 0; d < g.deviceCount(); d++) {
            int firstPoint = g.firstPointOf(d);
            int endPoint = g.endPointOf(d);
            c.text(g.readings[g.devices[d]].point().device()).map(endPoint - firstPoint);
            for (int p = firstPoint; p < endPoint; p++) {
                c.text(g.readings[g.points[p]].point().point()).array(g.points[p + 1] - g.points[p]);
                for (int i = g.points[p]; i < g.points[p + 1]; i++) {
                    Sample s = g.readings[i];
                    boolean good = s.quality().isGood();
                    c.array(good ? 2 : 4).integer(s.sourceMillis() - g.base);
                    if (s.value() == null) {
                        c.nil();
                    } else {
                        cborValue(c, s.value());
                    }
                    if (!good) {
                        c.text(s.quality().status().wireName()).text(s.quality().reason());
                    }
                }
            }
        }
        if (!g.messages.isEmpty()) {
            c.text("m").array(g.messages.size());
            for (StoredRecord m : g.messages) {
                c.map(3).text("t").text(m.localTopic()).text("dt").integer(m.receivedAtMillis() - g.base)
                        .text("b").bytes(m.message().payload());
            }
        }
        return c.toByteArray();
    }

    private static void cborValue(CborWriter c, Value v) {
        if (v instanceof Value.Bool b) {
            c.bool(b.value());
        } else if (v instanceof Value.Int i) {
            c.integer(i.value());
        } else if (v instanceof Value.UInt64 u) {
            c.unsigned(u.bits());
        } else if (v instanceof Value.Real r) {
            if (r.single()) {
                c.float32((float) r.value());
            } else {
                c.float64(r.value());
            }
        } else if (v instanceof Value.Text t) {
            c.text(t.value());
        } else if (v instanceof Value.Array a) {
            c.array(a.items().size());
            for (Value item : a.items()) {
                cborValue(c, item);
            }
        }
    }
}
