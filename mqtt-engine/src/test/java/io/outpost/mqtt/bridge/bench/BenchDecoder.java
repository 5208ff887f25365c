package io.outpost.mqtt.bridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outpost.testing.UplinkBatches;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.tahu.protobuf.SparkplugBProto;

/**
 * The benchmark's cloud side: the source timestamps of the readings a message carries, whatever the format (one
 * JSON reading, json-batch, cbor-batch, zlib, zstd, Sparkplug B), to measure how long readings waited.
 */
final class BenchDecoder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchDecoder() {
    }

    /** @param dictionary the zstd dictionary frames with a dictionary id were compressed with, or null */
    static List<Long> timestamps(String topic, byte[] payload, byte[] dictionary) throws IOException {
        List<Long> out = new ArrayList<>();
        if (topic.startsWith("spBv1.0/")) {
            if (topic.contains("/DDATA/")) {
                for (SparkplugBProto.Payload.Metric m : SparkplugBProto.Payload.parseFrom(payload).getMetricsList()) {
                    out.add(m.getTimestamp());
                }
            }
            return out;
        }
        byte[] data = UplinkBatches.decompress(payload, dictionary);
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
