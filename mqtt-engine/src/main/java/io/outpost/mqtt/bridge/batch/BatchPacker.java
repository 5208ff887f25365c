package io.outpost.mqtt.bridge.batch;

import io.outpost.mqtt.bridge.flow.Packer;
import io.outpost.mqtt.bridge.store.QueuedMessage;
import io.outpost.mqtt.bridge.store.StoredRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs records of {@code json-batch} and {@code cbor-batch} rules into one payload, and compresses (batches, and
 * messages sent as published under a rule with {@code compression}). The payload's first byte tells what it is,
 * so consumers need no MQTT 5 property: {@code {} JSON, 0xA0-0xBF CBOR map, 0x78 zlib, 0x28 zstd. Confined to the
 * upstream's thread.
 */
public final class BatchPacker implements Packer {

    private final Compressor compressor;

    public BatchPacker(Compressor compressor) {
        this.compressor = compressor;
    }

    @Override
    public QueuedMessage pack(List<StoredRecord> records, boolean history) {
        QueuedMessage first = records.get(0).message();
        Packing p = first.packing();
        int updates = 0;
        List<QueuedMessage> messages = new ArrayList<>(records.size());
        for (StoredRecord r : records) {
            messages.add(r.message());
            updates += r.message().pointUpdates();
        }
        if (p.format() == BatchFormat.AS_PUBLISHED) {
            return first.withCompressedPayload(compressor.compress(first.payload(), p.compression(), p.dictionaryId()));
        }
        byte[] encoded = BatchEncoder.encode(p.format(), messages, history);
        return first.withWire(first.topic(), compressor.compress(encoded, p.compression(), p.dictionaryId()), null, updates);
    }
}
