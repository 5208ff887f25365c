package io.outpost.mqtt.internal.bridge.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.message.Message;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.bridge.config.Compression;
import io.outpost.mqtt.bridge.config.Packing;
import io.outpost.mqtt.internal.bridge.store.RecordRef;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchAssemblerTest {

    private static final Packing PACKING = new Packing(BatchFormat.CBOR_BATCH, Compression.NONE, 1_000, 16 * 1024, 0);
    private final BatchAssembler batches = new BatchAssembler();
    private int seq;

    private StoredRecord record(String device) {
        Message m = Readings.reading("site", device, "p", Value.of(1.5), DataType.FLOAT32, 1_000);
        seq++;
        return Queued.reading(0, m, "cloud/batch/" + device, 1, PACKING).record(seq);
    }

    @Test
    void aBacklogOfManyDevicesFillsUpToTheBoundAndThenTheOldestBatchGoesFirst() {
        int devices = 1_000;
        int rounds = BatchAssembler.MAX_HELD / devices + 1;
        for (int round = 0; round < rounds && !batches.full(); round++) {
            for (int d = 0; d < devices && !batches.full(); d++) {
                batches.add(record(String.format("m%03d", d)), 1, true, 16 * 1024);
            }
        }
        assertThat(batches.full()).isTrue();
        assertThat(batches.held()).isEqualTo(BatchAssembler.MAX_HELD);
        assertThat(batches.hasReady()).as("no batch reached max-bytes nor its delay").isFalse();

        assertThat(batches.closeOldest()).isTrue();
        BatchAssembler.Batch first = batches.pollReady();
        assertThat(first.key.topic()).isEqualTo("cloud/batch/m000");
        assertThat(first.records).hasSize(rounds);
        assertThat(batches.full()).isFalse();
        assertThat(batches.held()).isEqualTo(BatchAssembler.MAX_HELD - rounds);
    }

    @Test
    void closingTheOldestWithNothingOpenSaysSo() {
        assertThat(batches.closeOldest()).isFalse();
        assertThat(batches.hasReady()).isFalse();
    }
}
