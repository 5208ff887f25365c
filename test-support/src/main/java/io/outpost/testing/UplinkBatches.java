package io.outpost.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The cloud side of the uplink formats (docs/uplink-formats.md), written from the specification rather than from
 * the encoder: undoes zstd or zlib compression and reads a {@code json-batch} or {@code cbor-batch} payload into its
 * readings. Shared by the uplink benchmark and the end-to-end benchmark's subscriber. Stateless; any thread.
 */
public final class UplinkBatches {

    /** One reading of a batch: its point, source time, value and quality ({@code good} when the batch omits it). */
    public record Reading(String device, String point, long sourceMillis, Object value, String quality) {
    }

    /** A batch: base time, whether it is a replayed backlog, its readings (per point oldest first). */
    public record Batch(long baseMillis, boolean history, List<Reading> readings) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private UplinkBatches() {
    }

    /**
     * The payload without its compression: a zstd frame (with {@code dictionary} when the frame names one) or a
     * zlib stream; anything else is returned as it is.
     *
     * @param dictionary the zstd dictionary, or null when none is in use
     */
    public static byte[] decompress(byte[] p, byte[] dictionary) throws IOException {
        if (p.length > 4 && (p[0] & 0xFF) == 0x28 && (p[1] & 0xFF) == 0xB5 && (p[2] & 0xFF) == 0x2F
                && (p[3] & 0xFF) == 0xFD) {
            int size = (int) Zstd.getFrameContentSize(p);
            return Zstd.getDictIdFromFrame(p) != 0 ? Zstd.decompress(p, dictionary, size) : Zstd.decompress(p, size);
        }
        if (p.length > 1 && (p[0] & 0xFF) == 0x78) {
            return inflate(p);
        }
        return p;
    }

    /**
     * True when the (decompressed) payload is a {@code json-batch} or {@code cbor-batch} rather than a message as
     * published: a CBOR map, or a JSON object with {@code "v"} and {@code "d"} (this parses JSON payloads).
     */
    public static boolean isBatch(byte[] data) throws IOException {
        if (data.length == 0) {
            return false;
        }
        int first = data[0] & 0xFF;
        if (first >= 0xA0 && first <= 0xBF) {
            return true;
        }
        if (first != '{') {
            return false;
        }
        JsonNode n = JSON.readTree(data);
        return n.has("v") && n.has("d");
    }

    /**
     * Reads a decompressed batch.
     *
     * @throws IOException when it is malformed or of a version other than 1
     */
    public static Batch read(byte[] data) throws IOException {
        Map<?, ?> batch;
        try {
            batch = data.length > 0 && data[0] == '{' ? fromJson(JSON.readTree(data))
                    : (Map<?, ?>) new Cbor(ByteBuffer.wrap(data)).read();
        } catch (ClassCastException | IllegalArgumentException | BufferUnderflowException e) {
            throw new IOException("not a batch: " + e.getMessage(), e);
        }
        if (!(batch.get("v") instanceof Number v) || v.longValue() != 1) {
            throw new IOException("unknown batch version " + batch.get("v"));
        }
        long base = ((Number) batch.get("t")).longValue();
        boolean history = Boolean.TRUE.equals(batch.get("h"));
        List<Reading> out = new ArrayList<>();
        Object devices = batch.get("d");
        if (devices instanceof Map<?, ?> byDevice) {
            for (Map.Entry<?, ?> d : byDevice.entrySet()) {
                for (Map.Entry<?, ?> p : ((Map<?, ?>) d.getValue()).entrySet()) {
                    for (Object e : (List<?>) p.getValue()) {
                        List<?> r = (List<?>) e;
                        out.add(new Reading((String) d.getKey(), (String) p.getKey(),
                                base + ((Number) r.get(0)).longValue(), r.get(1),
                                r.size() > 2 ? (String) r.get(2) : "good"));
                    }
                }
            }
        }
        return new Batch(base, history, out);
    }

    /** The JSON tree as the CBOR reader's maps, lists, numbers, strings, booleans and nulls. */
    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            return fromJson(n);
        }
        if (n.isArray()) {
            List<Object> list = new ArrayList<>(n.size());
            for (JsonNode e : n) {
                list.add(plain(e));
            }
            return list;
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return null;
    }

    private static Map<?, ?> fromJson(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("a batch is a JSON object");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), plain(e.getValue()));
        }
        return map;
    }

    private static byte[] inflate(byte[] p) throws IOException {
        Inflater inflater = new Inflater();
        inflater.setInput(p);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && inflater.needsInput()) {
                    throw new IOException("truncated zlib stream");
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

    /** The CBOR the batches use (RFC 8949, definite lengths only): maps, arrays, integers, floats, text, bytes. */
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
                    default -> throw new IllegalArgumentException("CBOR simple value " + info);
                };
            }
            if (info > 27) {
                throw new IllegalArgumentException("CBOR indefinite length or reserved value " + info);
            }
            long arg = info < 24 ? info : info == 24 ? b.get() & 0xFF : info == 25 ? b.getShort() & 0xFFFF
                    : info == 26 ? b.getInt() & 0xFFFF_FFFFL : b.getLong();
            return switch (major) {
                case 0 -> arg;
                case 1 -> -1 - arg;
                case 2, 3 -> {
                    byte[] bytes = new byte[Math.toIntExact(arg)];
                    b.get(bytes);
                    yield major == 2 ? bytes : new String(bytes, StandardCharsets.UTF_8);
                }
                case 4 -> {
                    List<Object> list = new ArrayList<>();
                    for (long i = 0; i < arg; i++) {
                        list.add(read());
                    }
                    yield list;
                }
                case 5 -> {
                    Map<Object, Object> map = new LinkedHashMap<>();
                    for (long i = 0; i < arg; i++) {
                        map.put(read(), read());
                    }
                    yield map;
                }
                default -> throw new IllegalArgumentException("CBOR major type " + major);
            };
        }
    }
}
