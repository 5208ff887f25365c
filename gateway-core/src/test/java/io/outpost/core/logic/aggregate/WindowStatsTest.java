package io.outpost.core.logic.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import org.junit.jupiter.api.Test;

/** Window statistics against values worked out by hand on a one-minute window [0 s, 60 s). */
class WindowStatsTest {

    private static final PointRef P = new PointRef("d", "p");
    private static final long MIN = 60_000;

    private static Sample good(long seconds, double v) {
        return Sample.good(P, Value.of(v), seconds * 1000);
    }

    @Test
    void three_readings_give_the_statistics_worked_out_by_hand() {
        WindowStats w = new WindowStats(0, MIN, null, 0);
        w.add(good(0, 10));
        w.add(good(15, 20));
        w.add(good(45, 40));

        WindowStats.Result r = w.close();

        // 10 held 15 s, 20 held 30 s, 40 held 15 s: (150 + 600 + 600) / 60 = 22.5
        assertThat(r.twa()).isEqualTo(22.5);
        assertThat(r.avg()).isCloseTo(70.0 / 3, within(1e-12));
        // population variance: (100 + 400 + 1600) / 3 - (70/3)^2 = 1400/9
        assertThat(r.stddev()).isCloseTo(Math.sqrt(1400.0) / 3, within(1e-12));
        assertThat(r.min()).isEqualTo(10);
        assertThat(r.max()).isEqualTo(40);
        assertThat(r.first()).isEqualTo(10);
        assertThat(r.last()).isEqualTo(40);
        assertThat(r.count()).isEqualTo(3);
        assertThat(r.coverage()).isEqualTo(1.0);
        assertThat(r.quality()).isEqualTo(Quality.Status.GOOD);
        assertThat(r.good()).isEqualTo(3);
        assertThat(r.carry()).isEqualTo(40.0);
    }

    @Test
    void a_value_carried_in_counts_for_the_time_it_held_but_not_as_a_reading() {
        WindowStats w = new WindowStats(MIN, 2 * MIN, 40.0, MIN);
        w.add(good(90, 10)); // 40 held 30 s, then 10 held 30 s

        WindowStats.Result r = w.close();

        assertThat(r.twa()).isEqualTo(25.0);
        assertThat(r.first()).isEqualTo(40);
        assertThat(r.last()).isEqualTo(10);
        assertThat(r.min()).isEqualTo(10);
        assertThat(r.max()).isEqualTo(40);
        assertThat(r.count()).isEqualTo(1);
        assertThat(r.avg()).isEqualTo(10);
        assertThat(r.stddev()).isEqualTo(0);
    }

    @Test
    void a_window_without_readings_holds_the_carried_value_the_whole_time() {
        WindowStats.Result r = new WindowStats(MIN, 2 * MIN, 7.5, MIN).close();

        assertThat(r.twa()).isEqualTo(7.5);
        assertThat(r.min()).isEqualTo(7.5);
        assertThat(r.max()).isEqualTo(7.5);
        assertThat(r.first()).isEqualTo(7.5);
        assertThat(r.last()).isEqualTo(7.5);
        assertThat(r.count()).isZero();
        assertThat(r.avg()).isNaN();
        assertThat(r.quality()).isEqualTo(Quality.Status.GOOD);
    }

    @Test
    void a_bad_reading_leaves_a_gap_that_counts_in_no_statistic() {
        WindowStats w = new WindowStats(0, MIN, null, 0);
        w.add(good(0, 10));
        w.add(Sample.bad(P, "timeout", 30_000));
        w.add(good(45, 40));

        WindowStats.Result r = w.close();

        // 10 for 30 s, nothing for 15 s, 40 for 15 s: (300 + 600) / 45 = 20 over 45 of 60 s
        assertThat(r.twa()).isEqualTo(20.0);
        assertThat(r.coverage()).isEqualTo(0.75);
        assertThat(r.avg()).isEqualTo(25.0);
        assertThat(r.count()).isEqualTo(3);
        assertThat(r.good()).isEqualTo(2);
        assertThat(r.bad()).isEqualTo(1);
        assertThat(r.quality()).isEqualTo(Quality.Status.UNCERTAIN);
    }

    @Test
    void an_uncertain_reading_counts_in_the_statistics_and_makes_the_window_uncertain() {
        WindowStats w = new WindowStats(0, MIN, null, 0);
        w.add(good(0, 10));
        w.add(new Sample(P, Value.of(50.0), Quality.uncertain("out-of-range"), 30_000));

        WindowStats.Result r = w.close();

        assertThat(r.twa()).isEqualTo(30.0);
        assertThat(r.max()).isEqualTo(50);
        assertThat(r.uncertain()).isEqualTo(1);
        assertThat(r.quality()).isEqualTo(Quality.Status.UNCERTAIN);
    }

    @Test
    void a_window_with_nothing_known_is_bad_and_has_no_values() {
        WindowStats w = new WindowStats(0, MIN, null, 0);
        w.add(Sample.bad(P, "comm-lost", 5_000));

        WindowStats.Result r = w.close();

        assertThat(r.quality()).isEqualTo(Quality.Status.BAD);
        assertThat(r.coverage()).isZero();
        assertThat(r.twa()).isNaN();
        assertThat(r.min()).isNaN();
        assertThat(r.count()).isEqualTo(1);
        assertThat(r.carry()).isNull();
    }

    @Test
    void a_gateway_started_mid_window_covers_only_the_part_it_saw() {
        WindowStats w = new WindowStats(0, MIN, 12.0, 20_000); // started at 20 s, knowing 12

        WindowStats.Result r = w.close();

        assertThat(r.coverage()).isCloseTo(40.0 / 60, within(1e-12));
        assertThat(r.twa()).isEqualTo(12.0);
        assertThat(r.quality()).isEqualTo(Quality.Status.UNCERTAIN);
    }

    @Test
    void a_reading_stamped_before_the_previous_one_is_taken_at_the_previous_time() {
        WindowStats w = new WindowStats(0, MIN, null, 0);
        w.add(good(30, 10));
        w.add(good(20, 30)); // the source clock stepped back: taken at 30 s

        WindowStats.Result r = w.close();

        assertThat(r.twa()).isEqualTo(30.0);
        assertThat(r.first()).isEqualTo(10);
        assertThat(r.last()).isEqualTo(30);
    }

    @Test
    void a_boolean_averages_to_the_fraction_of_time_it_was_true() {
        WindowStats w = new WindowStats(0, MIN, null, 0);
        w.add(Sample.good(P, Value.of(true), 0));
        w.add(Sample.good(P, Value.of(false), 45_000));

        assertThat(w.close().twa()).isEqualTo(0.75); // pump ran 45 of 60 s
    }
}
