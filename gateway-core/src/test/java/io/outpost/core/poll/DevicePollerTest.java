package io.outpost.core.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Value;
import io.outpost.core.testing.CoreHarness;
import io.outpost.core.testing.TestAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The core's poll loop on a manual clock: interval, timeouts, backoff, recovery, report by exception. */
class DevicePollerTest {

    private static final String CONFIG = """
            gateway: {id: gw, site: site, data-dir: /tmp/outpost-test}
            devices:
              - id: dev
                protocol: test
                poll-interval: 1s
                timeout: 1s
                backoff: {initial: 1s, max: 8s, multiplier: 2, jitter: 0}
                points:
                  - {id: level, address: 1, type: float64, deadband: 0.5}
                  - {id: flow, address: 2, type: float64, deadband: 10%, range: [0, 200]}
                  - {id: state, address: 3, type: int16, heartbeat: 5s}
            """;

    private CoreHarness core;

    @AfterEach
    void close() {
        if (core != null) {
            core.close();
        }
    }

    private TestAdapter start(String yaml) throws Exception {
        core = new CoreHarness(yaml).start();
        TestAdapter dev = core.device("dev");
        return dev;
    }

    private List<String> payloads(String point) {
        return core.sink.payloads("site/dev/" + point);
    }

    @Test
    void polls_on_a_fixed_grid_without_drift_even_when_reads_take_time() throws Exception {
        TestAdapter dev = start(CONFIG);
        dev.latency(Duration.ofMillis(300));
        dev.set("level", Value.of(1.0));

        for (int i = 0; i < 37; i++) {
            core.advance(Duration.ofMillis(271)); // odd steps: the grid must not depend on when time is looked at
        }

        assertThat(dev.readTimesMillis()).containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L, 8000L,
                9000L, 10_000L);
    }

    @Test
    void points_with_different_intervals_share_a_read_when_their_schedules_meet() throws Exception {
        TestAdapter dev = start(CONFIG.replace("{id: state, address: 3, type: int16, heartbeat: 5s}",
                "{id: state, address: 3, type: int16, poll-interval: 3s}"));

        core.advance(Duration.ofMillis(6500));

        assertThat(dev.reads()).containsExactly(
                List.of("level", "flow", "state"), List.of("level", "flow"), List.of("level", "flow"),
                List.of("level", "flow", "state"), List.of("level", "flow"), List.of("level", "flow"),
                List.of("level", "flow", "state"));
    }

    @Test
    void timeout_marks_points_bad_then_retries_with_exponential_backoff_then_recovers() throws Exception {
        TestAdapter dev = start(CONFIG);
        dev.set("level", Value.of(3.0));
        core.advance(Duration.ofMillis(500));
        assertThat(payloads("level")).singleElement().asString().contains("\"quality\":\"good\"");

        // From t=1s every read answers only after 1.5 s, beyond the 1 s timeout, like a device that went quiet.
        dev.latency(Duration.ofMillis(1500));
        core.advance(Duration.ofSeconds(20));

        assertThat(payloads("level")).hasSize(2);
        assertThat(payloads("level").get(1)).isEqualTo("{\"quality\":\"bad\",\"reason\":\"timeout\",\"ts\":"
                + (core.scheduler.instant().toEpochMilli() - 19_500 + 1_000) + "}");
        assertThat(core.sink.payloads("site/dev/_status")).last().asString().startsWith("{\"state\":\"offline\",\"reason\":\"timeout\"");
        // Reads at 1 s (times out at 2 s), then retries 1 s, 2 s, 4 s, 8 s, 8 s after each timeout.
        assertThat(dev.readTimesMillis()).containsExactly(0L, 1000L, 3000L, 6000L, 11_000L, 20_000L);

        dev.latency(Duration.ZERO);
        core.advance(Duration.ofSeconds(10)); // the retry at 29 s succeeds

        assertThat(payloads("level")).hasSize(3);
        assertThat(payloads("level").get(2)).contains("\"value\":3.0,\"quality\":\"good\"");
        assertThat(core.sink.payloads("site/dev/_status")).last().asString().startsWith("{\"state\":\"online\"");
        assertThat(dev.readTimesMillis()).endsWith(29_000L, 30_000L);
        Counter timeouts = core.meters.find("outpost.poll.errors").tag("reason", "timeout").counter();
        assertThat(timeouts.count()).isEqualTo(5); // reads at 1, 3, 6, 11 and 20 s
    }

    @Test
    void backoff_jitter_stays_within_its_bounds() throws Exception {
        core = new CoreHarness(CONFIG.replace("jitter: 0", "jitter: 0.2"), CoreHarness.seededRandom(),
                1000).start();
        TestAdapter dev = core.device("dev");
        dev.failWith("comm-lost");
        core.advance(Duration.ofSeconds(120));

        List<Long> times = dev.readTimesMillis();
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        assertThat(gaps.get(0)).isBetween(800L, 1200L);
        assertThat(gaps.get(1)).isBetween(1600L, 2400L);
        assertThat(gaps.get(2)).isBetween(3200L, 4800L);
        assertThat(gaps.subList(3, gaps.size())).allSatisfy(g -> assertThat(g).isBetween(6400L, 9600L));
        assertThat(gaps.subList(3, gaps.size()).stream().distinct().count()).as("jitter spreads the capped retries")
                .isGreaterThan(gaps.size() / 2L);
    }

    @Test
    void a_failing_device_publishes_its_reason_once_not_on_every_retry() throws Exception {
        TestAdapter dev = start(CONFIG);
        dev.failWith("connect-refused");

        core.advance(Duration.ofSeconds(60));

        assertThat(payloads("level")).singleElement().asString().contains("\"reason\":\"connect-refused\"");
        assertThat(core.sink.payloads("site/dev/_status")).hasSize(2); // starting, offline
    }

    @Test
    void absolute_deadband_suppresses_small_changes_against_the_last_reported_value() throws Exception {
        TestAdapter dev = start(CONFIG);
        double[] values = {10.0, 10.3, 10.6, 10.9, 11.2, 9.0};
        for (double v : values) {
            dev.set("level", Value.of(v));
            core.advance(Duration.ofSeconds(1));
        }

        assertThat(payloads("level")).extracting(p -> p.substring(0, p.indexOf(",\"quality")))
                .containsExactly("{\"value\":10.0", "{\"value\":10.6", "{\"value\":11.2", "{\"value\":9.0");
    }

    @Test
    void percent_deadband_is_a_share_of_the_range_span() throws Exception {
        TestAdapter dev = start(CONFIG);
        // Range [0, 200] and 10%: a change must exceed 20.
        for (double v : new double[] {100, 119, 121, 140, 142}) {
            dev.set("flow", Value.of(v));
            core.advance(Duration.ofSeconds(1));
        }

        assertThat(payloads("flow")).extracting(p -> p.substring(0, p.indexOf(",\"quality")))
                .containsExactly("{\"value\":100.0", "{\"value\":121.0", "{\"value\":142.0");
    }

    @Test
    void heartbeat_resends_an_unchanged_value_after_the_configured_silence() throws Exception {
        TestAdapter dev = start(CONFIG);
        dev.set("state", Value.of(4));

        core.advance(Duration.ofMillis(12_500));

        assertThat(core.sink.on("site/dev/state")).hasSize(3); // t = 0 s, 5 s, 10 s
        assertThat(payloads("state")).allSatisfy(p -> assertThat(p).startsWith("{\"value\":4,\"quality\":\"good\""));
        assertThat(payloads("state")).extracting(p -> p.substring(p.indexOf("\"ts\":") + 5, p.length() - 1))
                .containsExactly(ts(0), ts(5000), ts(10_000));
    }

    @Test
    void unchanged_values_are_not_reported_without_heartbeat() throws Exception {
        TestAdapter dev = start(CONFIG);
        dev.set("level", Value.of(5.0));

        core.advance(Duration.ofSeconds(30));

        assertThat(payloads("level")).hasSize(1);
    }

    @Test
    void out_of_range_values_are_uncertain() throws Exception {
        TestAdapter dev = start(CONFIG);
        dev.set("flow", Value.of(250.0));

        core.advance(Duration.ofMillis(100));

        assertThat(payloads("flow")).singleElement().asString()
                .isEqualTo("{\"value\":250.0,\"quality\":\"uncertain\",\"reason\":\"out-of-range\",\"ts\":" + ts(0) + "}");
    }

    @Test
    void point_missing_from_an_answer_is_bad_while_the_others_are_good() throws Exception {
        TestAdapter dev = start(CONFIG);
        dev.set("level", Value.of(1.0));

        core.advance(Duration.ofMillis(100));

        assertThat(payloads("level")).singleElement().asString().contains("\"quality\":\"good\"");
        assertThat(payloads("state")).singleElement().asString().contains("\"quality\":\"bad\",\"reason\":\"no-data\"");
    }

    @Test
    void slow_engine_makes_the_poller_skip_polls_instead_of_piling_up() throws Exception {
        core = new CoreHarness(CONFIG, CoreHarness.seededRandom(), 5).start();
        TestAdapter dev = core.device("dev");
        core.sink.holdAcceptance();
        for (int i = 0; i < 10; i++) {
            dev.set("level", Value.of(i * 10.0));
            core.advance(Duration.ofSeconds(1));
        }
        int readsWhileHeld = dev.reads().size();
        Counter skipped = core.meters.find("outpost.poll.skipped").tag("reason", "backpressure").counter();

        assertThat(skipped).isNotNull();
        assertThat(skipped.count()).isGreaterThanOrEqualTo(5);
        assertThat(readsWhileHeld).isLessThan(6);

        core.sink.acceptPending();
        core.advance(Duration.ofSeconds(3));
        assertThat(dev.reads().size()).isEqualTo(readsWhileHeld + 3);
    }

    @Test
    void pushed_points_are_not_polled_and_their_values_are_reported() throws Exception {
        TestAdapter dev = start(CONFIG);
        dev.context().setPushed("state", true);
        core.advance(Duration.ofMillis(10));
        dev.context().push(io.outpost.core.point.Sample.good(new PointRef("dev", "state"),
                Value.of(7), core.scheduler.instant().toEpochMilli()));
        core.advance(Duration.ofSeconds(3));

        assertThat(dev.reads()).allSatisfy(batch -> assertThat(batch).doesNotContain("state"));
        assertThat(payloads("state")).singleElement().asString().startsWith("{\"value\":7,");

        core.advance(Duration.ofSeconds(5)); // heartbeat of a pushed point: the last value again
        assertThat(payloads("state")).hasSize(2);
    }

    private String ts(long millisAfterEpoch) {
        return Long.toString(java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() + millisAfterEpoch);
    }

    @Test
    void what_the_adapter_says_about_a_point_is_kept_with_its_live_value_until_the_device_is_removed() throws Exception {
        TestAdapter dev = start(CONFIG);
        core.advance(Duration.ofMillis(10));

        dev.context().describe("level", Map.of("unit", "m", "object-name", "TANK-LVL"));
        dev.context().describe("nowhere", Map.of("unit", "bar"));
        core.advance(Duration.ofMillis(10));

        assertThat(core.runtime.values().metadata(new PointRef("dev", "level")))
                .containsEntry("unit", "m").containsEntry("object-name", "TANK-LVL");
        assertThat(core.runtime.values().metadata(new PointRef("dev", "nowhere"))).isEmpty();
        core.runtime.stopDevice("dev");
        assertThat(core.runtime.values().metadata(new PointRef("dev", "level"))).isEmpty();
    }
}
