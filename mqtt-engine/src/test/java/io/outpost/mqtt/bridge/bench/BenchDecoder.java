package io.outpost.mqtt.bridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
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
        if (topic.startsWith("spBv1.0/")) {
            List<Long> out = new ArrayList<>();
            if (topic.contains("/DDATA/")) {
                for (SparkplugBProto.Payload.Metric m : SparkplugBProto.Payload.parseFrom(payload).getMetricsList()) {
                    out.add(m.getTimestamp());
                }
            }
            return out;
        }
        byte[] data = decompress(payload, dictionary);
        if (data[0] == '{') {
            JsonNode n = JSON.readTree(data);
            if (n.has("ts")) {
                return List.of(n.get("ts").asLong());
            }
            return batch(JSON.convertValue(n, Map.class));
        }
        return batch((Map<?, ?>) new Cbor(ByteBuffer.wrap(data)).read());
    }

    private static List<Long> batch(Map<?, ?> batch) {
        long base = ((Number) batch.get("t")).longValue();
        List<Long> out = new ArrayList<>();
        for (Object points : ((Map<?, ?>) batch.get("d")).values()) {
            for (Object entries : ((Map<?, ?>) points).values()) {
                for (Object e : (List<?>) entries) {
                    out.add(base + ((Number) ((List<?>) e).get(0)).longValue());
                }
            }
        }
        return out;
    }

    private static byte[] decompress(byte[] p, byte[] dictionary) throws IOException {
        if (p.length > 4 && (p[0] & 0xFF) == 0x28 && (p[1] & 0xFF) == 0xB5) {
            int size = (int) Zstd.getFrameContentSize(p);
            return Zstd.getDictIdFromFrame(p) != 0 ? Zstd.decompress(p, dictionary, size) : Zstd.decompress(p, size);
        }
        if ((p[0] & 0xFF) == 0x78) {
            Inflater inflater = new Inflater();
            inflater.setInput(p);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                while (!inflater.finished()) {
                    int n = inflater.inflate(buf);
                    if (n == 0 && inflater.needsInput()) {
                        break;
                    }
                    out.write(buf, 0, n);
                }
            } catch (DataFormatException e) {
                throw new IOException(e);
            } finally {
                inflater.end();
            }
            return out.toByteArray();
        }
        return p;
    }

    /** Just enough CBOR to read a batch back. */
    private static final class Cbor {
        private final ByteBuffer b;

        Cbor(ByteBuffer b) {
            this.b = b;
        }

        Object read() {
            int head = b.get() & 0xFF;
            int major = head >>> 5;
            int info = head & 31;
            if (major == 7) {
                return switch (info) {
                    case 20 -> false;
                    case 21 -> true;
                    case 22 -> null;
                    case 26 -> (double) b.getFloat();
                    case 27 -> b.getDouble();
                    default -> throw new IllegalArgumentException("CBOR simple " + info);
                };
            }
            long arg = info < 24 ? info : info == 24 ? b.get() & 0xFF : info == 25 ? b.getShort() & 0xFFFF
                    : info == 26 ? b.getInt() & 0xFFFF_FFFFL : b.getLong();
            switch (major) {
                case 0:
                    return arg;
                case 1:
                    return -1 - arg;
                case 2:
                case 3:
                    byte[] bytes = new byte[(int) arg];
                    b.get(bytes);
                    return major == 2 ? bytes : new String(bytes, StandardCharsets.UTF_8);
                case 4:
                    List<Object> list = new ArrayList<>();
                    for (long i = 0; i < arg; i++) {
                        list.add(read());
                    }
                    return list;
                case 5:
                    Map<Object, Object> map = new LinkedHashMap<>();
                    for (long i = 0; i < arg; i++) {
                        map.put(read(), read());
                    }
                    return map;
                default:
                    throw new IllegalArgumentException("CBOR major type " + major);
            }
        }
    }

}
