package io.outpost.core.logic.computed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.core.message.Message;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.testing.CoreHarness;
import io.outpost.core.testing.TestAdapter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Computed points in the running core: a device's readings go in, the computed readings come out through the same
 * path as a device's (report-by-exception, deadband, the message sink), on input change only.
 */
class ComputedPointsTest {

    private static final String YAML = """
            gateway: {id: gw, site: s, data-dir: /tmp/outpost-test}
            devices:
              - id: tank1
                protocol: test
                poll-interval: 1s
                points:
                  - {id: level, address: 1, type: float64, unit: m}
                  - {id: flow, address: 2, type: float64}
                  - {id: running, address: 3, type: bool}
              - id: site-logic
                protocol: logic
                points:
                  - id: volume
                    expression: level * 3.141592653589793 * pow(1.5, 2)
                    inputs: {level: tank1/level}
                    unit: m3
                    deadband: 0.5
                  - id: stalled
                    expression: running && flow < 0.5
                    inputs: {running: tank1/running, flow: tank1/flow}
                  - id: volume-litres
                    expression: v * 1000
                    inputs: {v: site-logic/volume}
                  - id: level-or-zero
                    expression: "quality(level) == good ? level : 0.0"
                    inputs: {level: tank1/level}
            """;

    private static final PointRef VOLUME = new PointRef("site-logic", "volume");
    private static final PointRef STALLED = new PointRef("site-logic", "stalled");
    private static final PointRef LITRES = new PointRef("site-logic", "volume-litres");
    private static final PointRef LEVEL_OR_ZERO = new PointRef("site-logic", "level-or-zero");

    private CoreHarness core;

    @AfterEach
    void close() {
        core.close();
    }

    private List<Sample> published(PointRef ref) {
        return core.sink.messages().stream().map(Message::sample).filter(s -> s != null && s.point().equals(ref))
                .toList();
    }

    private Sample lastPublished(PointRef ref) {
        List<Sample> all = published(ref);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private void awaitValue(PointRef ref, Value expected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Sample s = lastPublished(ref);
            assertThat(s).as(ref.toString()).isNotNull();
            assertThat(s.value()).as(ref.toString()).isEqualTo(expected);
        });
    }

    private CoreHarness started() throws Exception {
        core = new CoreHarness(YAML, List.of(new ComputedAdapterFactory())).start();
        return core;
    }

    @Test
    void a_computed_point_follows_its_input_through_the_publishing_path() throws Exception {
        started();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(2.0));
        core.advance(Duration.ofSeconds(1));

        // pi * 1.5^2 * 2 = 14.137166941154069; the chained point in litres is 1000 times that
        awaitValue(VOLUME, Value.of(14.137166941154069));
        awaitValue(LITRES, Value.of(14137.166941154069));
        assertThat(lastPublished(VOLUME).quality()).isEqualTo(Quality.GOOD);
        Message volume = core.sink.messages().stream().filter(m -> m.sample() != null
                && m.sample().point().equals(VOLUME)).findFirst().orElseThrow();
        assertThat(volume.header().topic()).contains("site-logic").contains("volume");

        tank.set("level", Value.of(4.0));
        core.advance(Duration.ofSeconds(1));

        awaitValue(VOLUME, Value.of(28.274333882308138));
    }

    @Test
    void nothing_is_computed_while_the_inputs_do_not_change() throws Exception {
        started();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(2.0));
        core.advance(Duration.ofSeconds(1));
        awaitValue(LITRES, Value.of(14137.166941154069));
        int before = published(VOLUME).size();

        for (int i = 0; i < 5; i++) {
            core.advance(Duration.ofSeconds(1));
        }
        tank.set("level", Value.of(2.1)); // volume moves 0.7 m3: beyond the 0.5 deadband
        core.advance(Duration.ofSeconds(1));
        awaitValue(VOLUME, Value.of(2.1 * 3.141592653589793 * 2.25));

        assertThat(published(VOLUME)).hasSize(before + 1);
    }

    @Test
    void the_deadband_of_a_computed_point_holds_back_small_moves() throws Exception {
        started();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(2.0));
        core.advance(Duration.ofSeconds(1));
        awaitValue(VOLUME, Value.of(14.137166941154069));

        tank.set("level", Value.of(2.05)); // 0.35 m3 more: inside the deadband of 0.5
        core.advance(Duration.ofSeconds(1));
        // the level-or-zero point has no deadband: once it shows 2.05, volume has been computed from 2.05 as well
        awaitValue(LEVEL_OR_ZERO, Value.of(2.05));

        assertThat(lastPublished(VOLUME).value()).isEqualTo(Value.of(14.137166941154069));
    }

    @Test
    void a_missing_input_gives_a_bad_reading_with_reason_input_missing() throws Exception {
        started();
        TestAdapter tank = core.device("tank1");
        tank.set("running", Value.of(true)); // flow is never read: the device gives no data for it
        core.advance(Duration.ofSeconds(1));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Sample s = lastPublished(STALLED);
            assertThat(s).isNotNull();
            assertThat(s.quality()).isEqualTo(Quality.bad("input-missing"));
            assertThat(s.hasValue()).isFalse();
        });

        tank.set("flow", Value.of(0.2));
        core.advance(Duration.ofSeconds(1));

        awaitValue(STALLED, Value.of(true));
        assertThat(lastPublished(STALLED).quality()).isEqualTo(Quality.GOOD);
    }

    @Test
    void the_reading_takes_the_worst_quality_of_its_inputs_unless_the_expression_asks_for_quality() throws Exception {
        started();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(2.0));
        core.advance(Duration.ofSeconds(1));
        awaitValue(LEVEL_OR_ZERO, Value.of(2.0));

        tank.context().push(new Sample(new PointRef("tank1", "level"), Value.of(3.0),
                Quality.uncertain("out-of-range"), 5_000));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Sample volume = lastPublished(VOLUME);
            assertThat(volume.value()).isEqualTo(Value.of(3.0 * 3.141592653589793 * 2.25));
            assertThat(volume.quality()).isEqualTo(Quality.uncertain("input-uncertain"));
            assertThat(volume.sourceMillis()).isEqualTo(5_000);
            // this expression decides on quality itself: an uncertain level gives a good 0
            Sample zero = lastPublished(LEVEL_OR_ZERO);
            assertThat(zero.value()).isEqualTo(Value.of(0.0));
            assertThat(zero.quality()).isEqualTo(Quality.GOOD);
        });
    }

    @Test
    void a_device_that_stops_answering_makes_its_computed_points_bad() throws Exception {
        started();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(2.0));
        core.advance(Duration.ofSeconds(1));
        awaitValue(VOLUME, Value.of(14.137166941154069));

        tank.mode(TestAdapter.Mode.FAIL);
        core.advance(Duration.ofSeconds(1));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(lastPublished(VOLUME).quality()).isEqualTo(Quality.bad("input-missing")));
    }

    @Test
    void a_computed_point_is_in_the_live_table_like_any_point() throws Exception {
        started();
        core.device("tank1").set("level", Value.of(2.0));
        core.advance(Duration.ofSeconds(1));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(core.runtime.values().get(VOLUME)).hasValueSatisfying(p -> {
                    assertThat(p.latest().value()).isEqualTo(Value.of(14.137166941154069));
                    assertThat(p.config().unit()).isEqualTo("m3");
                }));
    }
}
