package io.outpost.core.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.message.MessageRejectedException;
import io.outpost.core.message.MessageSink;
import io.outpost.core.message.OutboundMessage;
import io.outpost.core.message.PointReading;
import io.outpost.core.message.UserProperty;
import io.outpost.core.poll.DeviceOutput;
import io.outpost.core.report.Reported;
import io.outpost.core.spi.DeviceStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mapping stage: turns reported readings and device status changes into MQTT messages (topic, payload, QoS,
 * retain) and hands them to the engine, counting what is pending so that pollers can hold back when the engine is
 * behind.
 */
public final class PointPublisher implements DeviceOutput {

    private static final Logger LOG = LoggerFactory.getLogger(PointPublisher.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final MessageSink sink;
    private final PayloadFormats formats;
    private final Clock clock;
    private final long maxPending;
    private final AtomicLong pending = new AtomicLong();
    private final LongSupplier nanoTime;
    private volatile long lastAcceptedNanos;
    private final MeterRegistry meters;
    private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();
    private final Counter handedOver;

    /**
     * @param nanoTime the monotonic clock of the core's scheduler, for {@link #lastAcceptedNanos()}
     */
    public PointPublisher(MessageSink sink, PayloadFormats formats, Clock clock, LongSupplier nanoTime,
                          long maxPending, MeterRegistry meters) {
        this.sink = sink;
        this.nanoTime = nanoTime;
        this.lastAcceptedNanos = nanoTime.getAsLong();
        this.formats = formats;
        this.clock = clock;
        this.maxPending = maxPending;
        this.meters = meters;
        this.handedOver = Counter.builder("outpost.messages.handed.over")
                .description("Messages the engine accepted from the mapping stage").register(meters);
        Gauge.builder("outpost.messages.pending", pending, AtomicLong::get)
                .description("Messages handed to the engine and not yet accepted").register(meters);
    }

    @Override
    public void reported(DeviceConfig device, List<Reported> readings) {
        List<OutboundMessage> messages = new ArrayList<>(readings.size());
        for (Reported r : readings) {
            messages.add(toMessage(r.point(), r));
        }
        send(messages);
    }

    @Override
    public void statusChanged(DeviceConfig device, DeviceStatus status) {
        send(List.of(statusMessage(device, status)));
    }

    @Override
    public boolean saturated() {
        return pending.get() >= maxPending;
    }

    public long pending() {
        return pending.get();
    }

    /** When the engine last completed a hand-over (accepted or refused), on the scheduler's monotonic clock. */
    public long lastAcceptedNanos() {
        return lastAcceptedNanos;
    }

    /** Sends messages that are not point readings (command results); same accounting. */
    public void send(List<OutboundMessage> messages) {
        int n = messages.size();
        pending.addAndGet(n);
        sink.publish(messages).whenComplete((ok, error) -> {
            pending.addAndGet(-n);
            lastAcceptedNanos = nanoTime.getAsLong();
            if (error == null) {
                handedOver.increment(n);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String reason = cause instanceof MessageRejectedException r ? r.reason() : "engine-error";
            dropped.computeIfAbsent(reason, k -> Counter.builder("outpost.messages.dropped")
                    .description("Messages the engine refused, by reason").tag("reason", k).register(meters)).increment(n);
            if (cause instanceof MessageRejectedException) {
                LOG.debug("engine refused {} message(s): {}", n, cause.getMessage());
            } else {
                LOG.error("engine failed to accept {} message(s)", n, cause);
            }
        });
    }

    private OutboundMessage toMessage(PointConfig point, Reported r) {
        PayloadFormat format = formats.get(point.publication().format());
        byte[] payload = format.encode(point, r.sample());
        return new OutboundMessage(point.publication().topic(), payload, point.publication().qos(),
                point.publication().retain(), List.<UserProperty>of(), null, null, null, format.contentType(),
                point.ref(), 1, clock.instant(), new PointReading(r.sample(), point.type()));
    }

    /** {"state":"online","reason":"","since":1763700000123}, retained, QoS 1. */
    private OutboundMessage statusMessage(DeviceConfig device, DeviceStatus status) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("state", status.state().name().toLowerCase(java.util.Locale.ROOT));
            g.writeStringField("reason", status.reason());
            g.writeNumberField("since", status.since().toEpochMilli());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new OutboundMessage(device.statusTopic(), out.toByteArray(), 1, true, List.of(), null, null, null,
                "application/json", null, 0, clock.instant());
    }
}
