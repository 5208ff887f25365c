package io.outpost.core.logic.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.outpost.core.message.Message;
import io.outpost.core.point.Value;
import io.outpost.core.testing.CoreHarness;
import io.outpost.core.testing.TestAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregation windows in the running core on a manual clock that starts at 2026-01-01T00:00:00Z (a minute boundary):
 * readings of a polled device go in, one message per minute comes out on the aggregate's topic.
 */
class AggregatorTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final String YAML = """
            gateway: {id: gw, site: s, data-dir: /tmp/outpost-test}
            devices:
              - id: tank1
                protocol: test
                poll-interval: 1s
                backoff: {initial: 1s, max: 1s, jitter: 0}
                points:
                  - {id: level, address: 1, type: float64}
                  - {id: flow, address: 2, type: float64}
            aggregates:
              - points: [tank1/level]
                every: 1m
              - devices: [tank1]
                every: 5m
                functions: [avg, count]
                topic: "{site}/agg/{every}/{device}/{point}"
            """;

    @TempDir
    Path dir;
    private CoreHarness core;

    /** A gateway on this test's data directory (where the open windows are kept across restarts). */
    private CoreHarness harness() throws Exception {
        return new CoreHarness(YAML.replace("/tmp/outpost-test", dir.toString()));
    }

    /** Stops the gateway as a service stop does, and starts another on the same data directory at {@code seconds}. */
    private TestAdapter restartAt(long seconds) throws Exception {
        core.close();
        core = harness();
        at(seconds);
        core.start();
        return core.device("tank1");
    }

    @AfterEach
    void close() {
        core.close();
    }

    private List<Map<String, Object>> windows(String topic) {
        return core.sink.on(topic).stream().map(AggregatorTest::json).toList();
    }

    private static Map<String, Object> json(Message m) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(m.payload())) {
            p.nextToken();
            String prefix = "";
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if (v == JsonToken.START_OBJECT) {
                        prefix = name + ".";
                    } else if (v.isNumeric()) {
                        out.put(prefix + name, p.getNumberValue().doubleValue());
                    } else {
                        out.put(prefix + name, p.getText());
                    }
                } else if (p.currentToken() == JsonToken.END_OBJECT) {
                    prefix = "";
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /** Advances to {@code seconds} after T0. */
    private void at(long seconds) {
        core.advance(Duration.ofMillis(T0 + seconds * 1000 - core.scheduler.instant().toEpochMilli()));
    }

    @Test
    void each_minute_gives_one_message_with_the_statistics_of_that_minute() throws Exception {
        core = harness().start();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(10.0));
        tank.set("flow", Value.of(1.0));
        at(0);
        at(14);
        tank.set("level", Value.of(20.0)); // read at 15 s
        at(44);
        tank.set("level", Value.of(40.0)); // read at 45 s
        at(60);

        List<Map<String, Object>> minutes = windows("s/tank1/level/1m");
        assertThat(minutes).hasSize(1);
        Map<String, Object> w = minutes.get(0);
        assertThat(w.get("start")).isEqualTo((double) T0);
        assertThat(w.get("end")).isEqualTo((double) T0 + 60_000);
        assertThat(w.get("twa")).isEqualTo(22.5); // 10 x 15 s + 20 x 30 s + 40 x 15 s over 60 s
        assertThat((Double) w.get("avg")).isCloseTo(70.0 / 3, within(1e-12));
        assertThat((Double) w.get("stddev")).isCloseTo(Math.sqrt(1400.0) / 3, within(1e-12));
        assertThat(w).containsEntry("min", 10.0).containsEntry("max", 40.0).containsEntry("first", 10.0)
                .containsEntry("last", 40.0).containsEntry("count", 3.0).containsEntry("quality", "good")
                .containsEntry("readings.good", 3.0).containsEntry("readings.bad", 0.0).containsEntry("coverage", 1.0);
        Message m = core.sink.on("s/tank1/level/1m").get(0);
        assertThat(m.header().retain()).isFalse();
        assertThat(m.header().qos()).isEqualTo(1);
    }

    @Test
    void a_quiet_minute_holds_the_last_value_and_a_failing_device_leaves_a_gap() throws Exception {
        core = harness().start();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(40.0));
        at(0);
        at(120); // two minutes in which level never changed

        at(129);
        tank.mode(TestAdapter.Mode.FAIL); // reads fail from 130 s
        at(149);
        tank.mode(TestAdapter.Mode.ANSWER); // the retry at 150 s succeeds
        at(180);

        List<Map<String, Object>> minutes = windows("s/tank1/level/1m");
        assertThat(minutes).hasSize(3);
        assertThat(minutes.get(1)).containsEntry("twa", 40.0).containsEntry("count", 0.0)
                .containsEntry("quality", "good").containsEntry("first", 40.0).containsEntry("last", 40.0)
                .doesNotContainKey("avg");
        // 40 from 120 s to 130 s, nothing until 150 s, 40 again until 180 s: 40 s of 60 known
        Map<String, Object> gap = minutes.get(2);
        assertThat(gap).containsEntry("twa", 40.0).containsEntry("quality", "uncertain")
                .containsEntry("readings.bad", 1.0).containsEntry("readings.good", 1.0);
        assertThat((Double) gap.get("coverage")).isCloseTo(40.0 / 60, within(1e-12));
    }

    @Test
    void windows_align_to_the_clock_and_a_group_rule_covers_every_point_of_its_devices() throws Exception {
        core = harness().start();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(3.0));
        tank.set("flow", Value.of(2.0));
        at(0);
        at(299);
        assertThat(core.sink.on("s/agg/5m/tank1/flow")).isEmpty();

        at(300);

        assertThat(windows("s/tank1/level/1m")).hasSize(5)
                .extracting(w -> w.get("end")).containsExactly((double) T0 + 60_000, (double) T0 + 120_000,
                        (double) T0 + 180_000, (double) T0 + 240_000, (double) T0 + 300_000);
        List<Map<String, Object>> flow = windows("s/agg/5m/tank1/flow");
        assertThat(flow).singleElement().satisfies(w -> {
            assertThat(w).containsEntry("avg", 2.0).containsEntry("count", 1.0).containsEntry("end", (double) T0 + 300_000);
            assertThat(w).doesNotContainKeys("min", "max", "twa", "first", "last", "stddev");
        });
        assertThat(windows("s/agg/5m/tank1/level")).hasSize(1);
    }

    @Test
    void a_restart_inside_a_window_publishes_one_window_with_the_readings_before_and_after_and_the_gap()
            throws Exception {
        core = harness().start();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(10.0));
        tank.set("flow", Value.of(1.0));
        at(0);
        at(14);
        tank.set("level", Value.of(20.0)); // read at 15 s
        at(29); // the gateway stops at 29 s and starts again at 40 s
        assertThat(windows("s/tank1/level/1m")).isEmpty();

        tank = restartAt(40);
        tank.set("level", Value.of(30.0));
        tank.set("flow", Value.of(1.0));
        at(40); // the first poll after the start
        at(60);

        List<Map<String, Object>> minutes = windows("s/tank1/level/1m");
        assertThat(minutes).singleElement().satisfies(w -> {
            assertThat(w).containsEntry("start", (double) T0).containsEntry("end", (double) T0 + 60_000);
            assertThat(w).containsEntry("count", 3.0).containsEntry("min", 10.0).containsEntry("max", 30.0)
                    .containsEntry("first", 10.0).containsEntry("last", 30.0).containsEntry("readings.good", 3.0)
                    .containsEntry("quality", "uncertain");
            // 10 for 15 s, 20 for 14 s, nothing known from 29 s to 40 s, 30 for 20 s
            assertThat((Double) w.get("twa")).isCloseTo((10.0 * 15 + 20.0 * 14 + 30.0 * 20) / 49, within(1e-12));
            assertThat((Double) w.get("avg")).isCloseTo(20.0, within(1e-12));
            assertThat((Double) w.get("coverage")).isCloseTo(49.0 / 60, within(1e-12));
        });
        at(120);
        assertThat(windows("s/tank1/level/1m")).hasSize(2).last()
                .satisfies(w -> assertThat(w).containsEntry("twa", 30.0).containsEntry("coverage", 1.0));
    }

    @Test
    void a_window_that_ended_while_the_gateway_was_down_is_published_at_the_start_with_what_it_saw() throws Exception {
        core = harness().start();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(10.0));
        tank.set("flow", Value.of(1.0));
        at(0);
        at(14);
        tank.set("level", Value.of(20.0)); // read at 15 s
        at(29); // stops at 29 s, starts again at 75 s

        tank = restartAt(75);

        List<Map<String, Object>> minutes = windows("s/tank1/level/1m");
        assertThat(minutes).singleElement().satisfies(w -> {
            assertThat(w).containsEntry("start", (double) T0).containsEntry("end", (double) T0 + 60_000)
                    .containsEntry("count", 2.0).containsEntry("last", 20.0).containsEntry("quality", "uncertain");
            assertThat((Double) w.get("twa")).isCloseTo((10.0 * 15 + 20.0 * 14) / 29, within(1e-12));
            assertThat((Double) w.get("coverage")).isCloseTo(29.0 / 60, within(1e-12));
        });
        tank.set("level", Value.of(30.0));
        tank.set("flow", Value.of(1.0));
        at(80); // read at 75 s; stops at 80 s, starts again at 90 s

        tank = restartAt(90);
        assertThat(windows("s/tank1/level/1m")).as("published once, not at every start").isEmpty();
        tank.set("level", Value.of(30.0));
        tank.set("flow", Value.of(1.0));
        at(120);
        assertThat(windows("s/tank1/level/1m")).singleElement().satisfies(w -> {
            assertThat(w).containsEntry("start", (double) T0 + 60_000).containsEntry("twa", 30.0)
                    .containsEntry("count", 2.0);
            // 30 from 75 s to 80 s and from 90 s to 120 s
            assertThat((Double) w.get("coverage")).isCloseTo(35.0 / 60, within(1e-12));
        });
    }

    @Test
    void an_unreadable_window_in_the_state_file_starts_afresh_and_the_others_are_taken_up() throws Exception {
        core = harness().start();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(10.0));
        tank.set("flow", Value.of(2.0));
        at(0);
        at(30);
        core.close();
        Path file = AggregateStateFile.in(dir).path();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4); // header, level in both rules, flow in the 5 min rule
        Files.write(file, lines.stream().map(l -> l.startsWith("tank1\tlevel\t60000\t")
                ? l.replaceFirst("\t[0-9]+\t", "\tsixty\t") : l).toList());

        core = harness();
        at(45);
        core.start();
        tank = core.device("tank1");
        tank.set("level", Value.of(10.0));
        tank.set("flow", Value.of(2.0));
        at(300);

        assertThat(windows("s/tank1/level/1m").get(0)).as("started afresh at 45 s")
                .containsEntry("count", 1.0).containsEntry("coverage", 0.25);
        assertThat(windows("s/agg/5m/tank1/flow")).singleElement().as("taken up: a reading before, one after")
                .satisfies(w -> assertThat(w).containsEntry("count", 2.0).containsEntry("avg", 2.0)
                        .containsEntry("coverage", (300.0 - 15) / 300));
    }

    @Test
    void a_reload_that_adds_a_rule_keeps_the_open_windows_of_the_rules_that_stay() throws Exception {
        core = harness().start();
        TestAdapter tank = core.device("tank1");
        tank.set("level", Value.of(10.0));
        tank.set("flow", Value.of(1.0));
        at(0);
        at(19);
        tank.set("level", Value.of(20.0)); // read at 20 s
        at(30);

        String more = YAML.replace("/tmp/outpost-test", dir.toString()) + """
                  - points: [tank1/flow]
                    every: 1m
                """;
        core.runtime.apply(new io.outpost.core.config.load.ConfigLoader(
                new io.outpost.core.spi.AdapterCatalog(List.of(core.adapters)), List.of(),
                io.outpost.core.message.PayloadFormats.standard().names(),
                new io.outpost.core.config.Interpolator(n -> null)).parse(more, Path.of("test.yaml")));
        at(60);

        assertThat(windows("s/tank1/level/1m")).singleElement().satisfies(w -> assertThat(w)
                .containsEntry("count", 2.0).containsEntry("coverage", 1.0).containsEntry("quality", "good")
                .containsEntry("twa", (10.0 * 20 + 20.0 * 40) / 60));
        assertThat(windows("s/tank1/flow/1m")).singleElement().as("the new rule's window starts at the reload")
                .satisfies(w -> assertThat(w).containsEntry("coverage", 0.5).containsEntry("twa", 1.0));
    }
}
