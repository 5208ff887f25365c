package io.outpost.mqtt.internal.bridge.batch;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDictCompress;
import io.outpost.mqtt.bridge.config.Compression;
import io.outpost.mqtt.bridge.config.ZstdDictionary;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * Compresses packed payloads: zlib (deflate) from the JDK, zstd through zstd-jni with the upstream's dictionaries
 * digested once. A record naming a dictionary the configuration no longer has is compressed without one (its frame
 * then names no dictionary, so the consumer still decodes it). Confined to one upstream's thread.
 */
public final class Compressor {

    /** zstd level: the uplink is billed per byte and batches are small, so a high level costs little CPU. */
    static final int ZSTD_LEVEL = 12;

    private final Map<Integer, ZstdDictCompress> dictionaries = new HashMap<>();
    private final Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);

    public Compressor(List<ZstdDictionary> dictionaries) {
        for (ZstdDictionary d : dictionaries) {
            this.dictionaries.put(d.id(), new ZstdDictCompress(d.content(), ZSTD_LEVEL));
        }
    }

    public byte[] compress(byte[] data, Compression compression, int dictionaryId) {
        return switch (compression) {
            case NONE -> data;
            case DEFLATE -> deflate(data);
            case ZSTD -> {
                ZstdDictCompress dict = dictionaryId == 0 ? null : dictionaries.get(dictionaryId);
                yield dict == null ? Zstd.compress(data, ZSTD_LEVEL) : Zstd.compress(data, dict);
            }
        };
    }

    private byte[] deflate(byte[] data) {
        deflater.reset();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
        byte[] buf = new byte[4096];
        while (!deflater.finished()) {
            int n = deflater.deflate(buf);
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Frees the native dictionaries. */
    public void close() {
        dictionaries.values().forEach(ZstdDictCompress::close);
        deflater.end();
    }
}
