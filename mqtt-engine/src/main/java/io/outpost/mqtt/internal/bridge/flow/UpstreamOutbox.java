package io.outpost.mqtt.internal.bridge.flow;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.outpost.mqtt.internal.bridge.batch.Packer;
import io.outpost.mqtt.internal.bridge.client.MqttPackets;
import io.outpost.mqtt.internal.bridge.client.UpstreamConnection;
import io.outpost.mqtt.internal.bridge.flow.InflightTable.Entry;
import io.outpost.mqtt.internal.bridge.flow.InflightTable.Phase;
import io.outpost.mqtt.internal.bridge.store.MessageStore;
import io.outpost.mqtt.internal.bridge.store.Qos2Mark;
import io.outpost.mqtt.internal.bridge.store.Removal;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of packets to the connection in the order the sender made them, each only once the QoS 2 state it
 * depends on is in the store (a PUBLISH's packet id, a PUBREL's "released"). Marking is pipelined: while one batch
 * waits for the store, later ones are marked too and wait their turn. QoS 0 messages leave the store once written.
 * Confined to the upstream's thread.
 */
final class UpstreamOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamOutbox.class);

    /** Packets for one connection, written once their QoS 2 state is in the store. */
    private static final class Batch {
        final List<Entry> entries;
        final UpstreamConnection connection;
        final boolean v5;
        final long generation;
        boolean ready;

        Batch(List<Entry> entries, UpstreamConnection connection, boolean v5, long generation) {
            this.entries = entries;
            this.connection = connection;
            this.v5 = v5;
            this.generation = generation;
        }
    }

    private final String name;
    private final MessageStore store;
    private final InflightTable inflight;
    private final Executor loop;
    private final Clock clock;
    private final Packer packer;
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private long generation;

    UpstreamOutbox(String name, MessageStore store, InflightTable inflight, Executor loop, Clock clock, Packer packer) {
        this.packer = packer;
        this.name = name;
        this.store = store;
        this.inflight = inflight;
        this.loop = loop;
        this.clock = clock;
    }

    /** Sends {@code entries} on {@code c} after the store recorded {@code marks} (at once when there are none). */
    void send(UpstreamConnection c, boolean v5, List<Entry> entries, List<Qos2Mark> marks) {
        Batch batch = new Batch(entries, c, v5, generation);
        batches.add(batch);
        if (marks.isEmpty()) {
            batch.ready = true;
            flush();
            return;
        }
        store.mark(marks).whenComplete((ok, err) -> loop.execute(() -> marked(batch, err)));
    }

    /** Forgets what waits (the connection is gone; the in-flight table sends it again on the next one). */
    void clear() {
        batches.clear();
        generation++;
    }

    private void marked(Batch batch, Throwable err) {
        if (batch.generation != generation) {
            return;
        }
        if (err != null) {
            LOG.error("upstream {}: cannot record QoS 2 state in the queue ({}); reconnecting to send again",
                    name, err.getMessage());
            clear();
            batch.connection.close();
            return;
        }
        for (Entry e : batch.entries) {
            e.marked = true;
        }
        batch.ready = true;
        flush();
    }

    private void flush() {
        while (!batches.isEmpty() && batches.peekFirst().ready) {
            Batch b = batches.pollFirst();
            write(b);
        }
    }

    private void write(Batch b) {
        long now = clock.millis();
        List<MqttMessage> packets = new ArrayList<>(b.entries.size());
        List<Entry> qos0 = new ArrayList<>();
        for (Entry e : b.entries) {
            if (e.phase == Phase.RELEASED) {
                packets.add(MqttPackets.pubRel(e.packetId, b.v5));
                continue;
            }
            e.message = packer.atWrite(e.message, e.records, e.history);
            packets.add(MqttPackets.publish(e.message, e.messageId, e.qos, e.retain, e.packetId,
                    e.sentBefore && e.qos > 0, now, b.v5, b.connection.aliases()));
            e.sentBefore = true;
            if (e.qos == 0) {
                qos0.add(e);
            }
        }
        b.connection.send(packets, qos0.isEmpty() ? null : () -> {
            for (Entry e : qos0) {
                if (inflight.remove(e.packetId) != null) {
                    for (StoredRecord r : e.records) {
                        store.remove(r.ref(), Removal.SENT);
                    }
                }
            }
        });
    }
}
