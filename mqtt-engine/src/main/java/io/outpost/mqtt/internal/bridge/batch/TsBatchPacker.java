package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.point.Sample;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.bridge.config.Packing;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Packs {@code ts-batch} rules (and hands every other format to {@link BatchPacker}): keeps each batch topic's point
 * tables ({@link TsTopic}) and has them published, retained, on {@code <batch topic>/_table/<id>} before the first
 * batch that names them on each connection, so a consumer that lacks a table finds it on the server after a restart
 * of either side. Tables no longer kept are cleared from the server (an empty retained message). Confined to the
 * upstream's thread.
 */
public final class TsBatchPacker implements Packer {

    /** Publishes a table message on the current connection; false when there is none (it is sent on the next). */
    public interface Announcer {
        boolean publish(String topic, byte[] payload, int qos);
    }

    /** The level between a batch topic and a table's id. */
    public static final String TABLE_LEVEL = "/_table/";

    private final BatchPacker others;
    private final Compressor compressor;
    private final LongSupplier clock;
    private final Announcer announcer;
    private final Map<String, TsTopic> topics = new HashMap<>();
    /** Table topics announced on the current connection. */
    private final Set<String> announced = new HashSet<>();
    /** The payload and QoS of every kept table, by its topic. */
    private final Map<String, Announcement> payloads = new HashMap<>();
    /** Topics of retired tables still to clear from the server. */
    private final List<Announcement> clears = new ArrayList<>();

    private record Announcement(String topic, byte[] payload, int qos) {
    }

    public TsBatchPacker(Compressor compressor, LongSupplier clock, Announcer announcer) {
        this.others = new BatchPacker(compressor);
        this.compressor = compressor;
        this.clock = clock;
        this.announcer = announcer;
    }

    /** A new connection: every table is announced again before its next batch. */
    public void connected() {
        announced.clear();
    }

    @Override
    public Message pack(List<StoredRecord> records, boolean history) {
        StoredRecord first = records.get(0);
        Packing p = first.packing();
        if (p.format() != BatchFormat.TS_BATCH) {
            return others.pack(records, history);
        }
        List<Sample> samples = new ArrayList<>(records.size());
        for (StoredRecord r : records) {
            if (r.sample() != null) {
                samples.add(r.sample());
            }
        }
        if (samples.isEmpty()) {
            // Messages only (a device's or the gateway's status): the empty table, which needs no announcing.
            return message(first, p, TsBatchEncoder.encode(TsTable.EMPTY, records, history));
        }
        TsTopic topic = topics.computeIfAbsent(first.topic(), t -> new TsTopic());
        List<TsTable> retired = new ArrayList<>();
        TsTable table = topic.tableFor(samples, clock.getAsLong(), retired);
        String tableTopic = tableTopic(first.topic(), table);
        payloads.computeIfAbsent(tableTopic, t -> new Announcement(t,
                compressor.compress(table.encode(), p.compression(), p.dictionaryId()), Math.max(1, first.qos())));
        for (TsTable old : retired) {
            String t = tableTopic(first.topic(), old);
            Announcement a = payloads.remove(t);
            announced.remove(t);
            clears.add(new Announcement(t, new byte[0], a == null ? 1 : a.qos()));
        }
        byte[] encoded = TsBatchEncoder.encode(table, records, history);
        topic.encoded(samples, encoded.length);
        return message(first, p, encoded);
    }

    private Message message(StoredRecord first, Packing p, byte[] encoded) {
        return Message.of(new MessageHeader(first.topic(), first.qos(), first.retain(), MessageProperties.NONE,
                first.message().origin()), compressor.compress(encoded, p.compression(), p.dictionaryId()),
                first.receivedAtMillis());
    }

    /** Just before a batch is written: the tables it may name go first, once per connection. */
    @Override
    public Message atWrite(Message packed, List<StoredRecord> records, boolean history) {
        StoredRecord first = records.get(0);
        if (first.packing() == null || first.packing().format() != BatchFormat.TS_BATCH) {
            return packed;
        }
        while (!clears.isEmpty() && announcer.publish(clears.get(0).topic(), clears.get(0).payload(), clears.get(0).qos())) {
            clears.remove(0);
        }
        TsTopic topic = topics.get(first.topic());
        if (topic != null) {
            for (TsTable t : topic.kept()) {
                String tableTopic = tableTopic(first.topic(), t);
                Announcement a = payloads.get(tableTopic);
                if (a != null && !announced.contains(tableTopic) && announcer.publish(a.topic(), a.payload(), a.qos())) {
                    announced.add(tableTopic);
                }
            }
        }
        return packed;
    }

    static String tableTopic(String batchTopic, TsTable t) {
        return batchTopic + TABLE_LEVEL + t.idHex();
    }
}
