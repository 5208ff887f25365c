package io.outpost.mqtt.internal.bridge.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ts-batch round trips, property style: seeded random sequences of batches through one topic's tables (points
 * appearing, changing kind, repeated in a batch, bad and null readings, NaN payloads, infinities, -0.0, extreme
 * integers, empty batches, messages that are not readings), each encoded, its table serialised and read back, and the
 * batch decoded: every reading must come back bit for bit. A failing seed is printed and reproduces.
 */
class TsBatchRoundTripTest {

    private static final long T0 = 1_763_700_000_000L;

    @ParameterizedTest(name = "seeds {0}..+99")
    @ValueSource(ints = {0, 100, 200, 300, 400, 500, 600, 700, 800, 900})
    void randomBatchSequences_roundTripBitForBit(int firstSeed) {
        for (int seed = firstSeed; seed < firstSeed + 100; seed++) {
            roundTripSequence(seed);
        }
    }

    private static void roundTripSequence(long seed) {
        Random rnd = new Random(seed);
        TsTopic topic = new TsTopic();
        List<PointRef> points = new ArrayList<>();
        Map<PointRef, Integer> kinds = new HashMap<>();
        long now = T0;
        int batches = 1 + rnd.nextInt(8);
        for (int b = 0; b < batches; b++) {
            int newPoints = b == 0 ? rnd.nextInt(30) : rnd.nextInt(3) == 0 ? rnd.nextInt(4) : 0;
            for (int i = 0; i < newPoints; i++) {
                PointRef p = new PointRef("dev-" + rnd.nextInt(3), "p" + points.size());
                points.add(p);
                kinds.put(p, 1 + rnd.nextInt(7));
            }
            if (!points.isEmpty() && rnd.nextInt(5) == 0) {
                PointRef p = points.get(rnd.nextInt(points.size()));
                kinds.put(p, 1 + rnd.nextInt(7)); // the point's type changes
            }
            List<Sample> samples = new ArrayList<>();
            int n = points.isEmpty() || rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(3 * points.size() + 1);
            long ts = now - rnd.nextInt(5);
            for (int i = 0; i < n; i++) {
                PointRef p = points.get(rnd.nextInt(points.size()));
                ts += rnd.nextInt(4) == 0 ? rnd.nextInt(2000) - 500 : 0;
                samples.add(TsSamples.sample(rnd, p, kinds.get(p), rnd.nextInt(50) == 0 ? rnd.nextLong() >> 1 : ts));
            }
            List<StoredRecord> records = new ArrayList<>(TsSamples.records(samples));
            if (rnd.nextInt(6) == 0) {
                records.add(rnd.nextInt(records.size() + 1), io.outpost.mqtt.internal.bridge.testing.Queued.of(0,
                        "north/dev-0/_status", "{\"state\":\"online\"}", 1, now + 3).record(99));
            }
            TsTable table = topic.tableFor(samples, now + rnd.nextInt(3) * TsTopic.MAX_AGE_MILLIS, new ArrayList<>());
            boolean history = rnd.nextBoolean();
            byte[] payload = TsBatchEncoder.encode(table, records, history);
            topic.encoded(samples, payload.length);
            TsTable received = TsTable.decode(table.encode());

            TsBatchDecoder.Batch got = TsBatchDecoder.decode(payload, id -> id == received.id() ? received : null);

            List<Sample> expected = new ArrayList<>(samples);
            expected.sort(Comparator.comparingInt(s -> table.indexOf(s.point()))); // stable: a point keeps its order
            assertThat(got.readings().stream().map(TsSamples::wire).toList()).as("seed %d, batch %d", seed, b)
                    .containsExactlyElementsOf(expected.stream().map(TsSamples::wire).toList());
            assertThat(got.history()).isEqualTo(history);
            List<StoredRecord> others = records.stream().filter(r -> r.sample() == null).toList();
            assertThat(got.messages()).hasSize(others.size());
            for (int i = 0; i < others.size(); i++) {
                assertThat(got.messages().get(i).topic()).isEqualTo(others.get(i).localTopic());
                assertThat(got.messages().get(i).receivedAtMillis()).isEqualTo(others.get(i).receivedAtMillis());
                assertThat(got.messages().get(i).payload()).isEqualTo(others.get(i).message().payload());
            }
            now += 1000;
        }
    }

    @Test
    void specialFloats_andExtremeIntegers_arriveBitForBit_inBothFloatSchemes() {
        PointRef f64 = new PointRef("d", "f64");
        PointRef f32 = new PointRef("d", "f32");
        PointRef i64 = new PointRef("d", "i64");
        PointRef u64 = new PointRef("d", "u64");
        List<Sample> samples = new ArrayList<>();
        double[] doubles = {21.37, Double.NaN, Double.longBitsToDouble(0xFFF0_0000_0000_0001L),
                Double.longBitsToDouble(0x7FF8_DEAD_BEEF_0001L), Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0,
                0.0, Double.MIN_VALUE, Double.MAX_VALUE, 21.38, 1e300, 21.39};
        float[] floats = {21.3f, Float.NaN, Float.intBitsToFloat(0xFFC0_1234), Float.NEGATIVE_INFINITY, -0.0f,
                Float.MIN_VALUE, Float.MAX_VALUE, 21.4f};
        long[] ints = {0, Long.MIN_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE, 7};
        for (int i = 0; i < doubles.length; i++) {
            samples.add(Sample.good(f64, new Value.Real(doubles[i], false), T0 + i));
        }
        for (int i = 0; i < floats.length; i++) {
            samples.add(Sample.good(f32, Value.ofFloat32(floats[i]), T0 + i));
        }
        for (int i = 0; i < ints.length; i++) {
            samples.add(Sample.good(i64, Value.of(ints[i]), T0 + i));
            samples.add(Sample.good(u64, new Value.UInt64(ints[i]), T0 + i));
        }
        for (int scheme : new int[] {2, TsTable.XOR}) {
            TsTable table = TsTable.of(List.of(
                    scheme == TsTable.XOR ? new TsTable.Entry(f64, TsKind.FLOAT64, scheme, new Value.Real(21.0, false))
                            : new TsTable.Entry(f64, TsKind.FLOAT64, scheme, Value.of(2100L)),
                    scheme == TsTable.XOR ? new TsTable.Entry(f32, TsKind.FLOAT32, scheme, Value.ofFloat32(21f))
                            : new TsTable.Entry(f32, TsKind.FLOAT32, 1, 3, Value.of(210L)),
                    new TsTable.Entry(i64, TsKind.INT, 0, 5, Value.of(0L)),
                    new TsTable.Entry(u64, TsKind.UINT64, 0, new Value.UInt64(0))));

            List<Sample> got = roundTrip(table, samples);

            List<Sample> expected = new ArrayList<>(samples);
            expected.sort(Comparator.comparingInt(s -> table.indexOf(s.point())));
            assertThat(got.stream().map(TsSamples::wire).toList())
                    .containsExactlyElementsOf(expected.stream().map(TsSamples::wire).toList());
        }
    }

    @Test
    void anEmptyBatch_decodesToNoReadings() {
        TsTable table = TsTable.of(List.of(new TsTable.Entry(new PointRef("d", "p"), TsKind.BOOL, 0, Value.of(true))));

        assertThat(roundTrip(table, List.of())).isEmpty();
    }

    @Test
    void aReadingOfAPointTheTableLacks_isRefused() {
        TsTable table = TsTable.of(List.of(new TsTable.Entry(new PointRef("d", "p"), TsKind.BOOL, 0, Value.of(true))));
        List<StoredRecord> records = TsSamples.records(List.of(Sample.good(new PointRef("d", "q"), Value.of(1L), T0)));

        assertThatThrownBy(() -> TsBatchEncoder.encode(table, records, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("d/q");
    }

    @Test
    void aBatchNamingAnUnknownTable_isAFormatError() {
        TsTable table = TsTable.of(List.of(new TsTable.Entry(new PointRef("d", "p"), TsKind.BOOL, 0, Value.of(true))));
        byte[] payload = TsBatchEncoder.encode(table, TsSamples.records(List.of(Sample.good(new PointRef("d", "p"),
                Value.of(false), T0))), false);

        assertThat(TsBatchDecoder.tableId(payload)).isEqualTo(table.id());
        assertThatThrownBy(() -> TsBatchDecoder.decode(payload, id -> null))
                .isInstanceOf(TsFormatException.class).hasMessageContaining(table.idHex());
    }

    @Test
    void aTableWhoseContentDoesNotMatchItsId_isRejected() {
        TsTable table = TsTable.of(List.of(new TsTable.Entry(new PointRef("d", "p"), TsKind.TEXT, 0, Value.of("on"))));
        byte[] bytes = table.encode();
        bytes[bytes.length - 1] = 'x';

        assertThat(TsTable.decode(table.encode()).id()).isEqualTo(table.id());
        assertThatThrownBy(() -> TsTable.decode(bytes)).isInstanceOf(TsFormatException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void theSamePointsAndReferences_giveTheSameTableId_soARestartedGatewayNamesTheSameTable() {
        List<TsTable.Entry> entries = List.of(new TsTable.Entry(new PointRef("d", "p"), TsKind.FLOAT64, 2, Value.of(2137L)));

        assertThat(TsTable.of(entries).idHex()).isEqualTo(TsTable.of(new ArrayList<>(entries)).idHex());
        assertThat(new String(TsTable.of(entries).encode(), StandardCharsets.ISO_8859_1)).contains("p");
    }

    @Test
    void aNewPoint_makesANewTableThatKeepsTheOldIndexes() {
        TsTopic topic = new TsTopic();
        PointRef a = new PointRef("d", "a");
        PointRef b = new PointRef("d", "b");
        TsTable first = topic.tableFor(List.of(Sample.good(a, Value.of(1L), T0)), T0, new ArrayList<>());
        assertThat(topic.tableFor(List.of(Sample.good(a, Value.of(2L), T0)), T0 + 1000, new ArrayList<>())).isSameAs(first);

        TsTable second = topic.tableFor(List.of(Sample.good(b, Value.of(3L), T0), Sample.good(a, Value.of(2L), T0)),
                T0 + 2000, new ArrayList<>());

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.indexOf(a)).isEqualTo(0);
        assertThat(second.indexOf(b)).isEqualTo(1);
        assertThat(topic.kept()).containsExactly(first, second);
    }

    @Test
    void aSensorWithTwoDecimals_getsTheDecimalScheme_andRandomBits_getXor() {
        assertThat(TsFloats.choose(List.of(21.37, 21.38, 21.36), false)[0]).isEqualTo(2);
        assertThat(TsFloats.choose(List.of((double) 21.3f, (double) 21.4f), true)[0]).isEqualTo(1);
        assertThat(TsFloats.choose(List.of(0.1 + 0.2, 0.7 + 0.1), false)[0]).isEqualTo(TsTable.XOR); // 17 digits
        assertThat(TsFloats.choose(List.of(-0.0), false)[0]).isEqualTo(TsTable.XOR);
    }

    private static List<Sample> roundTrip(TsTable table, List<Sample> samples) {
        byte[] payload = TsBatchEncoder.encode(table, TsSamples.records(samples), false);
        TsTable received = TsTable.decode(table.encode());
        return TsBatchDecoder.decode(payload, id -> received).readings();
    }
}
