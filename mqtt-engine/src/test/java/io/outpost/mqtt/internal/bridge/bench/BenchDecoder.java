package io.outpost.mqtt.internal.bridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outpost.core.point.Sample;
import io.outpost.mqtt.internal.bridge.batch.TsBatchDecoder;
import io.outpost.mqtt.internal.bridge.batch.TsBatchEncoder;
import io.outpost.mqtt.internal.bridge.batch.TsBatchPacker;
import io.outpost.mqtt.internal.bridge.batch.TsTable;
import io.outpost.testing.UplinkBatches;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.tahu.protobuf.SparkplugBProto;

/**
 * The benchmark's cloud side: the source timestamps of the readings a message carries, whatever the format (one
 * JSON reading, json-batch, cbor-batch, ts-batch with the tables it saw, zlib, zstd, Sparkplug B), to measure how long
 * readings waited.
 */
final class BenchDecoder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchDecoder() {
    }

    /** @param dictionary the zstd dictionary frames with a dictionary id were compressed with, or null */
    static List<Long> timestamps(String topic, byte[] payload, byte[] dictionary, Map<Long, TsTable> tables)
            throws IOException {
        List<Long> out = new ArrayList<>();
        if (topic.contains(TsBatchPacker.TABLE_LEVEL)) {
            if (payload.length > 0) {
                TsTable t = TsTable.decode(UplinkBatches.decompress(payload, dictionary));
                tables.put(t.id(), t);
            }
            return out;
        }
        if (topic.startsWith("spBv1.0/")) {
            if (topic.contains("/DDATA/")) {
                for (SparkplugBProto.Payload.Metric m : SparkplugBProto.Payload.parseFrom(payload).getMetricsList()) {
                    out.add(m.getTimestamp());
                }
            }
            return out;
        }
        byte[] data = UplinkBatches.decompress(payload, dictionary);
        if (data.length > 0 && (data[0] & 0xFF) == TsBatchEncoder.MARKER) {
            for (Sample s : TsBatchDecoder.decode(data, tables::get).readings()) {
                out.add(s.sourceMillis());
            }
            return out;
        }
        if (!UplinkBatches.isBatch(data)) {
            com.fasterxml.jackson.databind.JsonNode json = JSON.readTree(data);
            // A reading has its source time; an aggregation window is stamped with its end.
            return List.of((json.has("ts") ? json.get("ts") : json.get("end")).asLong());
        }
        for (UplinkBatches.Reading r : UplinkBatches.read(data).readings()) {
            out.add(r.sourceMillis());
        }
        return out;
    }
}
