package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.point.Sample;
import io.outpost.mqtt.bridge.config.Packing;

/**
 * A queued message as the store hands it out: where it is, its stable id, the message (typed reading or bytes) and
 * the route it was queued under. In memory for live messages (the writer's tail) or read back from disk.
 *
 * @param epoch when the store that appended it was opened (ms); with {@code seq} it names the message for good
 * @param seq   append sequence within the epoch
 */
public record StoredRecord(RecordRef ref, long epoch, long seq, Message message, Route route) {

    /**
     * The stable id cloud consumers de-duplicate QoS 1 with: epoch and sequence in base 36, {@code <epoch>.<seq>}
     * (e.g. {@code mhz5q8kw.2n9i}), short because every byte crosses a billed link.
     */
    public String messageId() {
        return Long.toString(epoch, 36) + "." + Long.toString(seq, 36);
    }

    /** The remote topic. */
    public String topic() {
        return route.remoteTopic();
    }

    public int qos() {
        return route.qos();
    }

    public boolean retain() {
        return route.retain();
    }

    /** How it is packed upstream, or null to send it as published. */
    public Packing packing() {
        return route.packing();
    }

    /** The topic it was published on locally. */
    public String localTopic() {
        return route.localTopic();
    }

    public long receivedAtMillis() {
        return message.receivedAtMillis();
    }

    /** When it expires (MQTT 5 message expiry), or {@link Long#MAX_VALUE}. */
    public long expiresAtMillis() {
        Long expiry = message.messageExpirySeconds();
        return expiry == null ? Long.MAX_VALUE : message.receivedAtMillis() + expiry * 1000;
    }

    /** The typed reading, or null. */
    public Sample sample() {
        return message.sample();
    }

    public int pointUpdates() {
        return message.pointUpdates();
    }

    /** The message as it goes on the wire when sent as published: remote topic, QoS, RETAIN, the payload. */
    public Message wire() {
        return Message.of(new MessageHeader(route.remoteTopic(), route.qos(), route.retain(), message.properties(),
                message.origin()), message.payload(), message.receivedAtMillis());
    }
}
