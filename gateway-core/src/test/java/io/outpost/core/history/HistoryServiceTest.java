package io.outpost.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.ManualScheduler;
import io.outpost.core.testing.TestAdapterFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-point history over virtual time: bucket values, windows, quality, restarts, and a size that never grows. */
class HistoryServiceTest {

    static final String CONFIG = """
            gateway: {id: gw, site: plant, data-dir: /tmp/outpost-history-test}
            devices:
              - id: tank
                protocol: test
                points:
                  - {id: level, address: 1, type: float64}
                  - {id: name, address: 2, type: string}
                  - {id: flow, address: 3, type: float64}
            """;
    static final PointRef LEVEL = new PointRef("tank", "level");
    static final PointRef FLOW = new PointRef("tank", "flow");

    @TempDir
    Path dir;
    // 00:00:00 UTC: bucket boundaries fall on whole minutes from here.
    final ManualScheduler clock = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    static GatewayConfig load(String yaml) throws Exception {
        return new ConfigLoader(new AdapterCatalog(List.of(new TestAdapterFactory())), List.of(),
                PayloadFormats.standard().names(), new Interpolator(n -> null)).parse(yaml, Path.of("history.yaml"));
    }

    HistoryService start(String yaml) throws Exception {
        HistoryService h = new HistoryService(dir, clock.clock());
        h.configure(load(yaml));
        return h;
    }

    void read(HistoryService h, PointRef p, double v) {
        h.observe(List.of(Sample.good(p, Value.of(v), clock.clock().millis())));
    }

    @Test
    void readings_of_one_30_second_bucket_give_its_min_max_mean_and_count() throws Exception {
        HistoryService h = start(CONFIG);
        read(h, LEVEL, 4);
        clock.advance(Duration.ofSeconds(10));
        read(h, LEVEL, 1);
        clock.advance(Duration.ofSeconds(19));
        read(h, LEVEL, 7);
        clock.advance(Duration.ofSeconds(1)); // 00:00:30, the next bucket
        read(h, LEVEL, 10);

        assertThat(h.trend(LEVEL, TrendWindow.HOUR)).containsExactly(
                new TrendBucket(T0, 1, 7, 4, 3, "good"),
                new TrendBucket(T0 + 30_000, 10, 10, 10, 1, "good"));
        assertThat(h.trend(LEVEL, TrendWindow.DAY)).containsExactly(new TrendBucket(T0, 1, 10, 5.5, 4, "good"));
        assertThat(h.trend(FLOW, TrendWindow.HOUR)).as("each point has its own buckets").isEmpty();
    }

    @Test
    void the_hour_shows_only_the_last_hour_and_the_day_keeps_24_hours_in_5_minute_buckets() throws Exception {
        HistoryService h = start(CONFIG);
        for (int minute = 0; minute < 150; minute++) {
            read(h, LEVEL, minute);
            clock.advance(Duration.ofMinutes(1));
        }
        // now 02:30:00; the last reading was at 02:29:00

        List<TrendBucket> hour = h.trend(LEVEL, TrendWindow.HOUR);
        assertThat(hour).hasSize(60);
        assertThat(hour.get(0).startMillis()).isEqualTo(T0 + Duration.ofMinutes(90).toMillis());
        assertThat(hour.get(59).avg()).isEqualTo(149);
        List<TrendBucket> day = h.trend(LEVEL, TrendWindow.DAY);
        assertThat(day).hasSize(30);
        assertThat(day.get(0)).isEqualTo(new TrendBucket(T0, 0, 4, 2, 5, "good"));

        clock.advance(Duration.ofHours(24));
        assertThat(h.trend(LEVEL, TrendWindow.DAY)).as("a day later nothing is in the window").isEmpty();
    }

    @Test
    void bad_readings_mark_the_bucket_bad_without_a_value_and_text_points_record_only_quality() throws Exception {
        HistoryService h = start(CONFIG);
        h.observe(List.of(Sample.bad(LEVEL, Quality.TIMEOUT, clock.clock().millis()),
                Sample.good(new PointRef("tank", "name"), Value.of("pump A"), clock.clock().millis())));
        clock.advance(Duration.ofSeconds(30));
        read(h, LEVEL, 3);
        h.observe(List.of(new Sample(LEVEL, Value.of(50.0), Quality.uncertain(Quality.OUT_OF_RANGE),
                clock.clock().millis())));

        List<TrendBucket> hour = h.trend(LEVEL, TrendWindow.HOUR);
        assertThat(hour.get(0).count()).isZero();
        assertThat(hour.get(0).quality()).isEqualTo("bad");
        assertThat(hour.get(0).avg()).isNaN();
        assertThat(hour.get(1)).isEqualTo(new TrendBucket(T0 + 30_000, 3, 50, 26.5, 2, "uncertain"));
        assertThat(h.trend(new PointRef("tank", "name"), TrendWindow.HOUR)).singleElement()
                .satisfies(b -> assertThat(b.count()).isZero());
    }

    @Test
    void history_survives_a_restart_and_a_device_whose_points_changed_starts_a_new_file() throws Exception {
        HistoryService h = start(CONFIG);
        read(h, LEVEL, 42);
        h.close();

        HistoryService again = start(CONFIG);
        assertThat(again.trend(LEVEL, TrendWindow.HOUR)).singleElement()
                .satisfies(b -> assertThat(b.avg()).isEqualTo(42));

        HistoryService changed = start(CONFIG.replace("      - {id: name, address: 2, type: string}\n", ""));
        assertThat(changed.trend(LEVEL, TrendWindow.HOUR)).isEmpty();
        assertThat(dir.resolve("tank.hist.old")).exists();
    }

    @Test
    void the_file_has_a_fixed_size_whatever_the_poll_rate_and_duration() throws Exception {
        HistoryService h = start(CONFIG);
        long size = Files.size(dir.resolve("tank.hist"));
        for (int s = 0; s < 2 * 86_400; s += 7) {
            h.observe(List.of(Sample.good(LEVEL, Value.of(s), 0), Sample.good(FLOW, Value.of(-s), 0)));
            clock.advance(Duration.ofSeconds(7));
        }

        assertThat(Files.size(dir.resolve("tank.hist"))).isEqualTo(size);
        // 3 points: 121 + 289 slots of 8 + 3 x 16 bytes, and the header: 16 bytes and "level\nname\nflow", to 8.
        assertThat(size).isEqualTo(32 + (121 + 289) * (8 + 3 * 16));
        assertThat(h.trend(FLOW, TrendWindow.DAY)).hasSize(288);
    }
}
