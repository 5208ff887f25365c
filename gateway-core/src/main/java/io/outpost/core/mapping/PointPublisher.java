package io.outpost.core.mapping;

import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.logic.ReadingObserver;
import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.MessageRejectedException;
import io.outpost.core.message.MessageSink;
import io.outpost.core.point.Sample;
import io.outpost.core.poll.DeviceOutput;
import io.outpost.core.spi.DeviceStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's hand-over to the engine: takes each poll's reported readings (already messages, see
 * {@link io.outpost.core.report.PointState}), device status changes and command results, hands them to the engine as
 * one batch per call, and counts what is pending so that pollers hold back while the engine is behind.
 */
public final class PointPublisher implements DeviceOutput, MessageSink {

    private static final Logger LOG = LoggerFactory.getLogger(PointPublisher.class);

    private final MessageSink sink;
    private final Clock clock;
    private final long maxPending;
    private final AtomicLong pending = new AtomicLong();
    private final LongSupplier nanoTime;
    private volatile long lastAcceptedNanos;
    private final MeterRegistry meters;
    private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();
    private final Counter handedOver;
    private final ReadingObserver observer;

    /**
     * @param nanoTime   the monotonic clock of the core's scheduler, for {@link #lastAcceptedNanos()}
     * @param maxPending messages handed over and not yet accepted beyond which pollers hold back
     */
    public PointPublisher(MessageSink sink, Clock clock, LongSupplier nanoTime, long maxPending, MeterRegistry meters) {
        this(sink, clock, nanoTime, maxPending, meters, samples -> { });
    }

    /** @param observer sees the samples of every batch of readings before it goes to the engine (computed points, alarms) */
    public PointPublisher(MessageSink sink, Clock clock, LongSupplier nanoTime, long maxPending, MeterRegistry meters,
                          ReadingObserver observer) {
        this.observer = observer;
        this.sink = sink;
        this.nanoTime = nanoTime;
        this.lastAcceptedNanos = nanoTime.getAsLong();
        this.clock = clock;
        this.maxPending = maxPending;
        this.meters = meters;
        this.handedOver = Counter.builder("outpost.messages.handed.over")
                .description("Messages the engine accepted from the core").register(meters);
        Gauge.builder("outpost.messages.pending", pending, AtomicLong::get)
                .description("Messages handed to the engine and not yet accepted (bounded by the core's "
                        + "max-pending; pollers hold back beyond it)").register(meters);
    }

    @Override
    public void reported(DeviceConfig device, List<Message> readings) {
        List<Sample> samples = new ArrayList<>(readings.size());
        for (Message m : readings) {
            samples.add(m.sample());
        }
        observer.observe(samples);
        publish(readings);
    }

    @Override
    public void statusChanged(DeviceConfig device, DeviceStatus status) {
        publish(List.of(statusMessage(device, status)));
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

    /** Hands a batch to the engine, counted as pending until the engine accepted or refused it. Any thread. */
    @Override
    public CompletionStage<Void> publish(List<Message> messages) {
        int n = messages.size();
        pending.addAndGet(n);
        CompletionStage<Void> stage = sink.publish(messages);
        stage.whenComplete((ok, error) -> {
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
        return stage;
    }

    /** {"state":"online","reason":"","since":1763700000123}, retained, QoS 1. */
    private Message statusMessage(DeviceConfig device, DeviceStatus status) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = JsonPayloadFormat.JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("state", status.state().name().toLowerCase(java.util.Locale.ROOT));
            g.writeStringField("reason", status.reason());
            g.writeNumberField("since", status.since().toEpochMilli());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Message.of(new MessageHeader(device.statusTopic(), 1, true, MessageProperties.JSON, Message.ORIGIN_GATEWAY),
                out.toByteArray(), clock.millis());
    }
}
