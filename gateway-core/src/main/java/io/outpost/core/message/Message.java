package io.outpost.core.message;

import io.outpost.core.point.Sample;
import java.util.List;
import java.util.Objects;

/**
 * The one message type of the gateway, from the core (or a client) to every consumer: the local broker's
 * subscribers, the retained store, the upstream queues and their encoders. Netty's split: a {@link MessageHeader}
 * (topic, QoS, RETAIN, properties, origin; shared by every message of a point), the receive time, and a body that
 * is either a typed reading ({@link #sample()}) or the bytes a client published.
 *
 * <p>A reading's payload is rendered lazily by its {@link PayloadFormat}, at most once per message, and only when a
 * destination needs bytes (a local subscriber, a per-point uplink); batch and Sparkplug encoders read the typed
 * sample and never render it. A client's payload is kept as it came.
 *
 * <p>Immutable apart from the cached rendering; safe to share between threads. Payload arrays are never written
 * after construction, so they are shared, not copied.
 */
public final class Message {

    /** The origin of messages the gateway's own core publishes. */
    public static final String ORIGIN_GATEWAY = "$gateway";

    private final MessageHeader header;
    private final long receivedAtMillis;
    private final Sample sample;
    private final PayloadFormat format;
    private volatile byte[] payload;

    private Message(MessageHeader header, long receivedAtMillis, Sample sample, PayloadFormat format, byte[] payload) {
        this.header = Objects.requireNonNull(header, "header");
        this.receivedAtMillis = receivedAtMillis;
        this.sample = sample;
        this.format = format;
        this.payload = payload;
    }

    /** A point's reading, rendered by {@code format} when bytes are first needed. */
    public static Message reading(MessageHeader header, PayloadFormat format, Sample sample, long receivedAtMillis) {
        return new Message(header, receivedAtMillis, Objects.requireNonNull(sample, "sample"),
                Objects.requireNonNull(format, "format"), null);
    }

    /**
     * A reading whose payload was rendered before (read back from a queue that stored both): the payload is used as
     * it is, the sample serves encoders that need the typed value.
     */
    public static Message stored(MessageHeader header, PayloadFormat format, Sample sample, byte[] payload,
                                 long receivedAtMillis) {
        return new Message(header, receivedAtMillis, Objects.requireNonNull(sample, "sample"),
                Objects.requireNonNull(format, "format"), Objects.requireNonNull(payload, "payload"));
    }

    /** A message whose payload is given: from a client, a status, a command result. */
    public static Message of(MessageHeader header, byte[] payload, long receivedAtMillis) {
        return new Message(header, receivedAtMillis, null, null, Objects.requireNonNull(payload, "payload"));
    }

    /** A plain message with no MQTT 5 properties. */
    public static Message of(String topic, byte[] payload, int qos, boolean retain, String origin, long receivedAtMillis) {
        return of(new MessageHeader(topic, qos, retain, MessageProperties.NONE, origin), payload, receivedAtMillis);
    }

    public MessageHeader header() {
        return header;
    }

    public String topic() {
        return header.topic();
    }

    public int qos() {
        return header.qos();
    }

    public boolean retain() {
        return header.retain();
    }

    public String origin() {
        return header.origin();
    }

    public MessageProperties properties() {
        return header.properties();
    }

    public List<UserProperty> userProperties() {
        return header.properties().userProperties();
    }

    public Long messageExpirySeconds() {
        return header.properties().messageExpirySeconds();
    }

    public String contentType() {
        return header.properties().contentType();
    }

    public String responseTopic() {
        return header.properties().responseTopic();
    }

    public byte[] correlationData() {
        return header.properties().correlationData();
    }

    public boolean payloadFormatUtf8() {
        return header.properties().payloadFormatUtf8();
    }

    /** When the gateway accepted it (queue age, expiry, latency). */
    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    /** The typed reading, or null for a message that is only bytes. */
    public Sample sample() {
        return sample;
    }

    /** How the reading is rendered, or null for a message that is only bytes. */
    public PayloadFormat format() {
        return format;
    }

    /** Point updates it carries: 1 for a reading, 0 otherwise. */
    public int pointUpdates() {
        return sample == null ? 0 : 1;
    }

    /**
     * The payload bytes: as published, or the reading rendered by its format (once; later calls and other threads
     * get the same array). Never write to it.
     */
    public byte[] payload() {
        byte[] p = payload;
        if (p == null) {
            // Two threads may both render: the results are equal, and either may win.
            p = format.encode(sample);
            payload = p;
        }
        return p;
    }

    /** The payload if it is there without rendering, else null (sizes, estimates). */
    public byte[] payloadIfPresent() {
        return payload;
    }

    /** True when the MQTT 5 message expiry interval has passed at {@code nowMillis}. */
    public boolean isExpired(long nowMillis) {
        Long expiry = messageExpirySeconds();
        return expiry != null && nowMillis - receivedAtMillis >= expiry * 1000L;
    }

    /**
     * The expiry interval left at {@code nowMillis}, in whole seconds rounded up (what a forwarded PUBLISH
     * carries, MQTT-3.3.2-6), or null when the message does not expire.
     */
    public Long remainingExpirySeconds(long nowMillis) {
        Long expiry = messageExpirySeconds();
        if (expiry == null) {
            return null;
        }
        long leftMillis = expiry * 1000L - (nowMillis - receivedAtMillis);
        return Math.max(0, (leftMillis + 999) / 1000);
    }

    /** The same message with another QoS and RETAIN flag (body and rendering shared). */
    public Message withQosAndRetain(int newQos, boolean newRetain) {
        MessageHeader h = header.withQosAndRetain(newQos, newRetain);
        if (h == header) {
            return this;
        }
        Message m = new Message(h, receivedAtMillis, sample, format, payload);
        return m;
    }

    @Override
    public String toString() {
        return "Message[" + header.topic() + ", qos " + header.qos() + (header.retain() ? ", retained" : "")
                + (sample != null ? ", " + sample : "") + "]";
    }
}
