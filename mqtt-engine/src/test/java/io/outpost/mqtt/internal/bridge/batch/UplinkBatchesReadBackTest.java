package io.outpost.mqtt.internal.bridge.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.core.message.Message;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.bridge.config.Compression;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import io.outpost.testing.UplinkBatches;
import io.outpost.testing.UplinkBatches.Reading;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The benchmarks' cloud-side reader ({@link UplinkBatches}, written from docs/uplink-formats.md) reads back what the
 * encoder and compressor send: every reading with its device, point, source time, value and quality.
 */
class UplinkBatchesReadBackTest {

    private static StoredRecord queued(Message m) {
        return Queued.reading(0, m, "cloud/batch/rtu-1", 1, null).record(0);
    }

    private static List<StoredRecord> plant() {
        return List.of(
                queued(Readings.reading("site", "rtu-1", "pressure", Value.of(3.25), DataType.FLOAT32, 1_763_700_000_000L)),
                queued(Readings.reading("site", "rtu-1", "pressure", Value.of(3.5), DataType.FLOAT32, 1_763_700_001_000L)),
                queued(Readings.reading("site", "rtu-1", "count", Value.of(123_456L), DataType.UINT32, 1_763_700_000_005L)),
                queued(Readings.reading("site", "rtu-2", "level", null, DataType.FLOAT64,
                        Quality.bad(Quality.TIMEOUT), 1_763_700_000_010L)));
    }

    @ParameterizedTest
    @CsvSource({"CBOR_BATCH, ZSTD", "CBOR_BATCH, NONE", "JSON_BATCH, DEFLATE", "JSON_BATCH, NONE"})
    void readsBackEveryReadingOfAnEncodedAndCompressedBatch(BatchFormat format, Compression compression)
            throws IOException {
        byte[] wire = BatchEncoder.encode(format, plant(), false);
        Compressor compressor = new Compressor(List.of());
        try {
            wire = compressor.compress(wire, compression, 0);
        } finally {
            compressor.close();
        }

        byte[] data = UplinkBatches.decompress(wire, null);
        assertThat(UplinkBatches.isBatch(data)).isTrue();
        UplinkBatches.Batch batch = UplinkBatches.read(data);

        assertThat(batch.baseMillis()).isEqualTo(1_763_700_000_000L);
        assertThat(batch.history()).isFalse();
        assertThat(batch.readings()).containsExactlyInAnyOrder(
                new Reading("rtu-1", "pressure", 1_763_700_000_000L, 3.25, "good"),
                new Reading("rtu-1", "pressure", 1_763_700_001_000L, 3.5, "good"),
                new Reading("rtu-1", "count", 1_763_700_000_005L, 123_456L, "good"),
                new Reading("rtu-2", "level", 1_763_700_000_010L, null, "bad"));
        assertThat(batch.readings().stream().filter(r -> r.point().equals("pressure")).map(Reading::sourceMillis))
                .as("a point's readings stay oldest first").containsExactly(1_763_700_000_000L, 1_763_700_001_000L);
    }

    @Test
    void aMessageAsPublishedIsNotABatch() throws IOException {
        assertThat(UplinkBatches.isBatch(plant().get(0).message().payload())).isFalse();
    }

    @Test
    void aTruncatedBatchIsRefusedWithAnError() {
        byte[] wire = BatchEncoder.encode(BatchFormat.CBOR_BATCH, plant(), false);
        byte[] cut = java.util.Arrays.copyOf(wire, wire.length / 2);
        assertThatThrownBy(() -> UplinkBatches.read(cut)).isInstanceOf(IOException.class);
    }
}
