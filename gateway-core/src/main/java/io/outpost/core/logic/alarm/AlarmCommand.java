package io.outpost.core.logic.alarm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.outpost.core.command.CommandRejectedException;
import io.outpost.core.config.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * What an operator asks of a point's alarms, from a message on the point's alarm command topic or from the console:
 * <ul>
 *   <li>{@code {"action":"acknowledge"}}: every alarm of the point that waits for it; {@code "alarm":"hi"} for one;</li>
 *   <li>{@code {"action":"shelve","alarm":"hi","for":"2h"}}: at most the gateway's {@code alarms.max-shelve};</li>
 *   <li>{@code {"action":"unshelve","alarm":"hi"}}.</li>
 * </ul>
 * Each may carry {@code "comment"} (kept in the event and the log, at most 256 characters) and {@code "id"} (echoed
 * in the result, for MQTT 3.1.1 clients without correlation data). Unknown fields are ignored.
 *
 * @param alarm   the alarm's name within the point; null for every alarm of the point (acknowledge only)
 * @param shelveFor shelve only: for how long
 */
public record AlarmCommand(Action action, String alarm, Duration shelveFor, String comment, String requestId) {

    public enum Action {
        ACKNOWLEDGE, SHELVE, UNSHELVE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final int MAX_PAYLOAD = 4096;
    static final int MAX_COMMENT = 256;
    private static final JsonFactory JSON = new JsonFactory();

    public AlarmCommand {
        comment = comment == null ? "" : comment;
    }

    public static AlarmCommand parse(byte[] payload) throws CommandRejectedException {
        if (payload.length > MAX_PAYLOAD) {
            throw new CommandRejectedException("bad-payload", "an alarm command is at most " + MAX_PAYLOAD + " bytes");
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        String action = null;
        String alarm = null;
        String duration = null;
        String comment = "";
        String id = null;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CommandRejectedException("bad-payload",
                        "an alarm command is a JSON object such as {\"action\":\"acknowledge\"}");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                String value = v == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                switch (field) {
                    case "action" -> action = value;
                    case "alarm" -> alarm = value;
                    case "for" -> duration = value;
                    case "comment" -> comment = value == null ? "" : value;
                    case "id" -> id = value;
                    default -> {
                        // Other fields are the sender's business (a dashboard's own bookkeeping).
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new CommandRejectedException("bad-payload", "the command is not one JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new CommandRejectedException("bad-payload", "the command is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CommandRejectedException("bad-payload", "the command could not be read: " + e.getMessage());
        }
        return of(action, alarm, duration, comment, id);
    }

    /** Checks the parts of a command (from MQTT or the console). */
    public static AlarmCommand of(String action, String alarm, String duration, String comment, String id)
            throws CommandRejectedException {
        Action a = switch (action == null ? "" : action.toLowerCase(Locale.ROOT)) {
            case "acknowledge", "ack" -> Action.ACKNOWLEDGE;
            case "shelve" -> Action.SHELVE;
            case "unshelve" -> Action.UNSHELVE;
            default -> throw new CommandRejectedException("bad-payload",
                    "'action' must be acknowledge, shelve or unshelve, found '" + action + "'");
        };
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw new CommandRejectedException("bad-payload", "a comment is at most " + MAX_COMMENT + " characters");
        }
        if (a != Action.ACKNOWLEDGE && (alarm == null || alarm.isEmpty())) {
            throw new CommandRejectedException("bad-payload", a.wireName() + " needs \"alarm\": which alarm of the point");
        }
        Duration shelveFor = null;
        if (a == Action.SHELVE) {
            shelveFor = duration == null ? null : Durations.parse(duration).orElse(null);
            if (shelveFor == null || shelveFor.isZero() || shelveFor.isNegative()) {
                throw new CommandRejectedException("bad-payload",
                        "shelve needs \"for\": a duration such as 30m or 8h, found '" + duration + "'");
            }
        }
        return new AlarmCommand(a, alarm == null || alarm.isEmpty() ? null : alarm, shelveFor, comment, id);
    }
}
