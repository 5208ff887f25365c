package io.outpost.core.command;

import com.fasterxml.jackson.core.JsonGenerator;
import io.outpost.core.config.PointConfig;
import io.outpost.core.log.SafeText;
import io.outpost.core.message.CommandMessage;
import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.MessageSink;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Value;
import io.outpost.core.poll.DevicePoller;
import io.outpost.core.spi.DeviceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns messages on writable points' command topics into device writes and publishes each outcome: to the
 * command's MQTT 5 response topic with its correlation data when it gave one, else to the point's result topic.
 * A command whose response topic is a command topic (of any point) is refused without writing, the refusal going to
 * the point's result topic: an answer published there would be taken for a write. (Whether the requester may
 * publish to its response topic at all is checked where it is known who asked: the broker, the bridge.)
 *
 * <p>Result payload: {@code {"ok":true,"point":"dev/pt","value":42,"ts":...,"id":"req-7"}} ({@code "value":null}
 * after a relinquish) or
 * {@code {"ok":false,"point":"dev/pt","error":"out-of-range","message":"...","ts":...}}; {@code id} only when the
 * command carried one.
 */
public final class CommandRouter {

    private static final Logger LOG = LoggerFactory.getLogger(CommandRouter.class);

    /** A writable point and the poller of its device. */
    private record Target(PointConfig point, DevicePoller poller) {
    }

    private final Map<String, Target> byTopic = new ConcurrentHashMap<>();
    private final MessageSink results;
    private final Clock clock;

    /** @param results where command results go (the core's hand-over, so that they are counted as pending) */
    public CommandRouter(MessageSink results, Clock clock) {
        this.results = results;
        this.clock = clock;
    }

    /** Routes the writable points of a device; replaces an earlier registration of the same device. */
    public void register(DevicePoller poller) {
        unregister(poller.device().id());
        for (PointConfig p : poller.device().points()) {
            if (p.command() != null) {
                byTopic.put(p.command().commandTopic(), new Target(p, poller));
            }
        }
    }

    public void unregister(String deviceId) {
        byTopic.values().removeIf(t -> t.point.ref().device().equals(deviceId));
    }

    /** Every command topic, for the engine to subscribe to. */
    public Set<String> topics() {
        return Set.copyOf(byTopic.keySet());
    }

    /** Handles one command; the stage completes after the result was handed to the engine. Never fails. */
    public CompletionStage<Void> handle(CommandMessage command) {
        Target target = byTopic.get(command.topic());
        if (target == null) {
            LOG.debug("ignoring a message on {}: not a command topic", SafeText.of(command.topic()));
            return CompletableFuture.completedFuture(null);
        }
        PointConfig point = target.point;
        if (command.responseTopic() != null && byTopic.containsKey(command.responseTopic())) {
            LOG.warn("command for {} refused: its response topic {} is a command topic", point.ref(),
                    SafeText.of(command.responseTopic()));
            publishResult(point.command().resultTopic(), command, point, null, "response-topic-refused",
                    "the response topic is a command topic");
            return CompletableFuture.completedFuture(null);
        }
        CommandPayload payload;
        try {
            payload = CommandPayload.parse(command.payload());
        } catch (CommandRejectedException e) {
            LOG.info("command for {} refused: {}", point.ref(), SafeText.of(e.getMessage()));
            respond(command, point, null, e.reason(), e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        return execute(target, payload).thenAccept(o -> respond(command, point, o.refused() ? null : payload,
                o.error(), o.message()));
    }

    /**
     * Writes to (or relinquishes) a writable point exactly as a command message on its topic does (same conversion,
     * range and type checks, same device write), for callers that are not MQTT clients (the fleet's remote commands).
     * The stage completes when the device answered; it never fails.
     */
    public CompletionStage<WriteOutcome> write(PointRef ref, CommandPayload payload) {
        Target target = byTopic.values().stream().filter(t -> t.point.ref().equals(ref)).findFirst().orElse(null);
        if (target == null) {
            return CompletableFuture.completedFuture(new WriteOutcome(ref, true, "not-writable",
                    "no running writable point " + ref));
        }
        return execute(target, payload);
    }

    /** The one path from a parsed command to the device: conversion and checks ({@link WriteConversion}), then the write. */
    private CompletionStage<WriteOutcome> execute(Target target, CommandPayload payload) {
        PointConfig point = target.point;
        Value raw;
        try {
            raw = payload.relinquish() ? null : WriteConversion.toRaw(point, payload.value());
        } catch (CommandRejectedException e) {
            LOG.info("command for {} refused: {}", point.ref(), SafeText.of(e.getMessage()));
            return CompletableFuture.completedFuture(new WriteOutcome(point.ref(), true, e.reason(), e.getMessage()));
        }
        CompletionStage<Void> done;
        if (payload.relinquish()) {
            LOG.info("relinquishing {}", point.ref());
            done = target.poller.relinquish(point);
        } else {
            LOG.info("writing {} to {}", SafeText.of(payload.value()), point.ref());
            done = target.poller.write(point, raw);
        }
        return done.handle((ok, error) -> {
            if (error == null) {
                return new WriteOutcome(point.ref(), false, null, null);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String reason = cause instanceof DeviceException de ? de.reason() : "write-failed";
            LOG.warn("write to {} failed: {} ({})", point.ref(), reason, cause.getMessage());
            return new WriteOutcome(point.ref(), false, reason, cause.getMessage());
        });
    }

    /**
     * What became of a write.
     *
     * @param refused true when the core refused it before any device saw it (not writable, conversion, range)
     * @param error   null when the device took the value; else the reason ({@code out-of-range},
     *                {@code conversion-error}, {@code not-writable}, or the device's: {@code timeout}, ...)
     */
    public record WriteOutcome(PointRef point, boolean refused, String error, String message) {
        public boolean ok() {
            return error == null;
        }
    }

    private void respond(CommandMessage command, PointConfig point, CommandPayload payload, String error,
                         String message) {
        String topic = command.responseTopic() != null ? command.responseTopic() : point.command().resultTopic();
        publishResult(topic, command, point, payload, error, message);
    }

    private void publishResult(String topic, CommandMessage command, PointConfig point, CommandPayload payload,
                               String error, String message) {
        byte[] body = resultJson(point, payload, error, message);
        MessageProperties props = new MessageProperties(List.of(), null, "application/json", null,
                command.correlationData(), true);
        results.publish(List.of(Message.of(new MessageHeader(topic, 1, false, props, Message.ORIGIN_GATEWAY), body,
                clock.millis())));
    }

    private byte[] resultJson(PointConfig point, CommandPayload payload, String error, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        try (JsonGenerator g = JsonPayloadFormat.JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeBooleanField("ok", error == null);
            g.writeStringField("point", point.ref().toString());
            if (error == null && payload != null) {
                // The engineering value that was asked for; the device got its raw equivalent.
                g.writeFieldName("value");
                writeRequested(g, payload.value());
            }
            if (error != null) {
                g.writeStringField("error", error);
                g.writeStringField("message", message == null ? "" : message);
            }
            g.writeNumberField("ts", clock.millis());
            if (payload != null && payload.requestId() != null) {
                g.writeStringField("id", payload.requestId());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeRequested(JsonGenerator g, Object v) throws IOException {
        if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                writeRequested(g, item);
            }
            g.writeEndArray();
        } else {
            g.writeObject(v);
        }
    }
}
