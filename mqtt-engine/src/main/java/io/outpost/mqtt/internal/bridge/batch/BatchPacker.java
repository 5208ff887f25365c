package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.bridge.config.Packing;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.util.List;

/**
 * Packs records of {@code json-batch} and {@code cbor-batch} rules into one payload, and compresses (batches, and
 * messages sent as published under a rule with {@code compression}). Readings are encoded from their typed samples;
 * nothing is rendered and parsed back. The payload's first byte tells what it is, so consumers need no MQTT 5
 * property: {@code {} JSON, 0xA0-0xBF CBOR map, 0x78 zlib, 0x28 zstd. Confined to the upstream's thread.
 */
final class BatchPacker implements Packer {

    private final Compressor compressor;

    public BatchPacker(Compressor compressor) {
        this.compressor = compressor;
    }

    @Override
    public Message pack(List<StoredRecord> records, boolean history) {
        StoredRecord first = records.get(0);
        Packing p = first.packing();
        if (p.format() == BatchFormat.AS_PUBLISHED) {
            Message m = first.message();
            MessageProperties props = m.properties();
            MessageProperties binary = new MessageProperties(props.userProperties(), props.messageExpirySeconds(),
                    props.contentType(), props.responseTopic(), props.correlationData(), false);
            return Message.of(new MessageHeader(first.topic(), first.qos(), first.retain(), binary, m.origin()),
                    compressor.compress(m.payload(), p.compression(), p.dictionaryId()), m.receivedAtMillis());
        }
        byte[] encoded = BatchEncoder.encode(p.format(), records, history);
        return Message.of(new MessageHeader(first.topic(), first.qos(), first.retain(), MessageProperties.NONE,
                first.message().origin()), compressor.compress(encoded, p.compression(), p.dictionaryId()),
                first.receivedAtMillis());
    }
}
