package io.outpost.mqtt.internal.bridge.testing;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.mqtt.bridge.config.Packing;
import io.outpost.mqtt.internal.bridge.store.AppendBatch;
import io.outpost.mqtt.internal.bridge.store.MessageStore;
import io.outpost.mqtt.internal.bridge.store.RecordRef;
import io.outpost.mqtt.internal.bridge.store.Route;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A message as a forwarder queues it: the message, its route upstream and its store class. For the store's and the
 * sender's tests, which append and read back without a broker.
 */
public record Queued(Message message, Route route, int classIndex) {

    /** A client's message, sent upstream as published under the same topic. */
    public static Queued of(int classIndex, String topic, String payload, int qos, long receivedAtMillis) {
        return of(classIndex, topic, payload.getBytes(StandardCharsets.UTF_8), qos, receivedAtMillis);
    }

    public static Queued of(int classIndex, String topic, byte[] payload, int qos, long receivedAtMillis) {
        return new Queued(Message.of(topic, payload, qos, false, "test-client", receivedAtMillis),
                new Route(topic, topic, qos, false, null, null, null), classIndex);
    }

    /** A message with MQTT 5 properties. */
    public static Queued of(int classIndex, String topic, byte[] payload, int qos, boolean retain,
                            MessageProperties properties, long receivedAtMillis) {
        return new Queued(Message.of(new MessageHeader(topic, qos, retain, properties, "test-client"), payload,
                receivedAtMillis), new Route(topic, topic, qos, retain, null, null, null), classIndex);
    }

    /** A reading of the core (see {@link Readings}) under a route to {@code remote}, packed as given (or not). */
    public static Queued reading(int classIndex, Message reading, String remote, int qos, Packing packing) {
        return new Queued(reading, new Route(reading.topic(), remote, qos, false, packing, reading.sample().point(),
                reading.format().name()), classIndex);
    }

    /** This message alone as an append. */
    public AppendBatch batch(MessageStore store) {
        return batch(store, List.of(this));
    }

    /** Messages appended together (readings of one poll become one record). */
    public static AppendBatch batch(MessageStore store, List<Queued> all) {
        AppendBatch b = new AppendBatch(all.size());
        for (Queued q : all) {
            b.add(q.message, q.route, q.classIndex, q.route.isReading() ? store.routeIndex(q.route) : -1);
        }
        return b;
    }

    /** As a record the sender took, for tests of what the sender does with records (no store behind it). */
    public StoredRecord record(long seq) {
        return new StoredRecord(new RecordRef(classIndex, 0, (int) seq * 64, 64), 1, seq, message, route);
    }
}
