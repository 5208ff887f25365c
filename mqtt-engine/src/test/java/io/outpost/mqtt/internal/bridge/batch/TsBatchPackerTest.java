package io.outpost.mqtt.internal.bridge.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.message.Message;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.bridge.config.Compression;
import io.outpost.mqtt.bridge.config.Packing;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packer's table announcements: a batch's table goes out (retained topic under the batch topic) before the batch
 * on every connection, once per connection; tables no longer kept are cleared with an empty payload.
 */
class TsBatchPackerTest {

    private static final long T0 = 1_763_700_000_000L;

    private record Published(String topic, byte[] payload, int qos) {
    }

    private final List<Published> published = new ArrayList<>();
    private boolean connected = true;
    private long now = T0;
    private final TsBatchPacker packer = new TsBatchPacker(new Compressor(List.of()), () -> now, (topic, payload, qos) -> {
        if (!connected) {
            return false;
        }
        published.add(new Published(topic, payload, qos));
        return true;
    });

    @Test
    void theTableGoesOutBeforeTheFirstBatchThatNamesIt_oncePerConnection() {
        Message first = write(batch(0, "a", "b"));
        write(batch(1, "a", "b"));

        assertThat(published).hasSize(1);
        TsTable table = TsTable.decode(published.get(0).payload());
        assertThat(published.get(0).topic()).isEqualTo("cloud/dev/_table/" + table.idHex());
        assertThat(published.get(0).qos()).isEqualTo(1);
        assertThat(TsBatchDecoder.tableId(first.payload())).isEqualTo(table.id());

        packer.connected();
        write(batch(2, "a", "b"));

        assertThat(published).hasSize(2);
        assertThat(published.get(1).topic()).isEqualTo(published.get(0).topic());
    }

    @Test
    void aNewPoint_makesANewTableThatIsAnnouncedBeforeItsBatch_andBothTablesStayKept() {
        write(batch(0, "a"));
        Message second = write(batch(1, "a", "c"));

        assertThat(published).hasSize(2);
        TsTable newer = TsTable.decode(published.get(1).payload());
        assertThat(TsBatchDecoder.tableId(second.payload())).isEqualTo(newer.id());
        assertThat(TsBatchDecoder.decode(second.payload(), id -> newer).readings()).hasSize(2);

        packer.connected();
        write(batch(2, "a", "c"));

        assertThat(published.subList(2, published.size())).extracting(Published::topic)
                .containsExactly(published.get(0).topic(), published.get(1).topic());
    }

    @Test
    void whileDisconnected_tablesWait_andGoOutOnTheNextConnection() {
        connected = false;
        write(batch(0, "a"));
        assertThat(published).isEmpty();

        connected = true;
        packer.connected();
        write(batch(1, "a"));

        assertThat(published).hasSize(1);
    }

    @Test
    void aTableNoLongerKept_isClearedWithAnEmptyRetainedPayload() {
        for (int i = 0; i <= TsTopic.KEPT; i++) {
            write(batch(i, "p" + i)); // a new point every time: a new table every time
        }

        List<Published> clears = published.stream().filter(p -> p.payload().length == 0).toList();
        assertThat(clears).hasSize(1);
        assertThat(clears.get(0).topic()).isEqualTo(published.get(0).topic());
    }

    @Test
    void aBatchWithoutReadings_namesTheEmptyTable_andNeedsNoAnnouncement() {
        StoredRecord status = io.outpost.mqtt.internal.bridge.testing.Queued.of(0, "north/dev/_status", "{\"state\":\"online\"}", 1,
                T0).record(1);
        StoredRecord packed = new StoredRecord(status.ref(), status.epoch(), status.seq(), status.message(),
                new io.outpost.mqtt.internal.bridge.store.Route(status.localTopic(), "cloud/_gateway", 1, false, TsSamples.TS, null, null));

        Message m = write(List.of(packed));

        assertThat(TsBatchDecoder.tableId(m.payload())).isZero();
        TsBatchDecoder.Batch b = TsBatchDecoder.decode(m.payload(), id -> null);
        assertThat(b.readings()).isEmpty();
        assertThat(b.messages()).singleElement().satisfies(o -> assertThat(o.topic()).isEqualTo("north/dev/_status"));
        assertThat(published).isEmpty();
    }

    @Test
    void otherFormats_goToTheBatchPacker() {
        Packing cbor = new Packing(BatchFormat.CBOR_BATCH, Compression.NONE, 1000, 65536, 0);
        StoredRecord r = io.outpost.mqtt.internal.bridge.testing.Queued.reading(0, TsSamples.record(
                Sample.good(new PointRef("dev", "a"), Value.of(1L), T0), 1).message(), "cloud/dev", 1, cbor).record(1);

        Message m = packer.pack(List.of(r), false);

        assertThat(m.payload()[0] & 0xE0).isEqualTo(0xA0); // a CBOR map
        assertThat(published).isEmpty();
    }

    private List<StoredRecord> batch(int round, String... points) {
        now = T0 + round * 1000L;
        List<Sample> samples = new ArrayList<>();
        for (String p : points) {
            samples.add(Sample.good(new PointRef("dev", p), Value.of(20.5 + round), now));
        }
        return TsSamples.records(samples);
    }

    private Message write(List<StoredRecord> records) {
        Message m = packer.pack(records, false);
        packer.atWrite(m, records, false);
        return m;
    }
}
