package io.outpost.app.ops;

import com.fasterxml.jackson.core.JsonGenerator;
import io.outpost.core.command.CommandRejectedException;
import io.outpost.core.history.HistoryService;
import io.outpost.core.history.TrendBucket;
import io.outpost.core.history.TrendWindow;
import io.outpost.core.logic.alarm.Actor;
import io.outpost.core.logic.alarm.AlarmCommand;
import io.outpost.core.logic.alarm.AlarmResult;
import io.outpost.core.logic.alarm.AlarmService;
import io.outpost.core.logic.alarm.AlarmSnapshot;
import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.point.PointRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The console's view of the edge logic: the alarm list, the operator's acknowledge and shelve (checked against the
 * broker's ACL for the console's user as it stands at the click, and audited through the alarm service), and the
 * per-point trends from the history.
 *
 * @param mayPublish whether an MQTT user may publish on a topic now (the engine's ACL check)
 */
public record ConsoleLogic(AlarmService alarms, HistoryService history, BiPredicate<String, String> mayPublish) {

    /** A console without alarms or history (tests of other parts, a gateway built without them). */
    public static ConsoleLogic none() {
        return new ConsoleLogic(null, null, (u, t) -> false);
    }

    /** What an action from the console came to: an HTTP status and a JSON body. */
    public record Outcome(int status, byte[] body) {
    }

    /** Every alarm, those waiting for the operator first, then by priority. */
    public byte[] alarmList() {
        List<AlarmSnapshot> list = alarms == null ? List.of() : alarms.alarms().stream()
                .sorted(Comparator.comparing((AlarmSnapshot a) -> !a.status().needsAcknowledgement())
                        .thenComparing(a -> !a.active())
                        .thenComparingInt(a -> a.rule().priority().rank()))
                .toList();
        return json(g -> {
            g.writeStartArray();
            for (AlarmSnapshot a : list) {
                g.writeStartObject();
                g.writeStringField("id", a.id());
                g.writeStringField("point", a.point().toString());
                g.writeStringField("alarm", a.rule().name());
                g.writeStringField("state", a.status().wireName());
                g.writeBooleanField("active", a.active());
                g.writeStringField("priority", a.rule().priority().wireName());
                g.writeStringField("message", a.rule().message());
                g.writeNumberField("changed", a.changedAt());
                g.writeStringField("ackBy", a.ackBy());
                g.writeNumberField("ackTs", a.ackAt());
                g.writeNumberField("shelvedUntil", a.shelvedUntil());
                g.writeStringField("shelvedBy", a.shelvedBy());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** A point's trend: {@code {"point":..,"window":"hour","bucketSeconds":30,"buckets":[{"t":..,"min":..,...}]}}. */
    public byte[] trend(String point, String window) {
        TrendWindow w = "day".equals(window) ? TrendWindow.DAY : TrendWindow.HOUR;
        Optional<PointRef> ref = parse(point);
        List<TrendBucket> buckets = history == null || ref.isEmpty() ? List.of() : history.trend(ref.get(), w);
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("point", point);
            g.writeStringField("window", w.name().toLowerCase(java.util.Locale.ROOT));
            g.writeNumberField("bucketSeconds", w.bucketSeconds());
            g.writeArrayFieldStart("buckets");
            for (TrendBucket b : buckets) {
                g.writeStartObject();
                g.writeNumberField("t", b.startMillis());
                if (b.count() > 0) {
                    g.writeNumberField("min", b.min());
                    g.writeNumberField("max", b.max());
                    g.writeNumberField("avg", b.avg());
                }
                g.writeNumberField("count", b.count());
                g.writeStringField("quality", b.quality());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /**
     * Acknowledge, shelve or unshelve for the console's logged-in user. Refused (403) when the console has no user
     * (nobody to record) or the user may not publish on the point's alarm command topic under the ACL in force now.
     *
     * @param user   the console's authenticated user; null when the console has no login
     * @param remote the browser's address, recorded as the client
     */
    public Outcome act(String user, String remote, Map<String, String> form) {
        if (alarms == null) {
            return refused(404, "no-alarms", "this gateway has no alarms");
        }
        if (user == null) {
            return refused(403, "not-authorised", "acting on alarms from the console needs a console login "
                    + "(http.username): the alarm records who acted");
        }
        Optional<PointRef> point = parse(form.get("point"));
        Optional<String> topic = point.flatMap(alarms::commandTopic);
        if (topic.isEmpty()) {
            return refused(404, "unknown-point", "no alarms on point '" + form.get("point") + "'");
        }
        if (!mayPublish.test(user, topic.get())) {
            return refused(403, "not-authorised", "user " + user + " may not publish on " + topic.get()
                    + " (broker ACL)");
        }
        AlarmCommand command;
        try {
            command = AlarmCommand.of(form.get("action"), form.get("alarm"), form.get("for"), form.get("comment"),
                    null);
        } catch (CommandRejectedException e) {
            return refused(400, e.reason(), e.getMessage());
        }
        AlarmResult r = alarms.act(point.get(), command, new Actor(user, remote, "console"));
        return r.ok() ? new Outcome(200, json(g -> {
            g.writeStartObject();
            g.writeBooleanField("ok", true);
            g.writeArrayFieldStart("alarms");
            for (String a : r.alarms()) {
                g.writeString(a);
            }
            g.writeEndArray();
            g.writeEndObject();
        })) : refused(409, r.error(), r.message());
    }

    private static Outcome refused(int status, String error, String message) {
        return new Outcome(status, json(g -> {
            g.writeStartObject();
            g.writeBooleanField("ok", false);
            g.writeStringField("error", error);
            g.writeStringField("message", message);
            g.writeEndObject();
        }));
    }

    private static Optional<PointRef> parse(String point) {
        if (point == null) {
            return Optional.empty();
        }
        int slash = point.indexOf('/');
        return slash <= 0 || slash == point.length() - 1 ? Optional.empty()
                : Optional.of(new PointRef(point.substring(0, slash), point.substring(slash + 1)));
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JsonPayloadFormat.JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
