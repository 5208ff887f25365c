package io.outpost.mqtt.internal.bridge.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.mqtt.bridge.config.BudgetConfig;
import io.outpost.mqtt.bridge.config.BudgetConfig.Period;
import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import io.outpost.mqtt.internal.bridge.store.StoreClass;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteBudgetTest {

    private static final List<StoreClass> CLASSES = List.of(
            new StoreClass("alarms", 10, OverflowPolicy.REJECT_NEW, false),
            new StoreClass("default", 1, OverflowPolicy.DROP_OLDEST, false));
    private static final long NOON = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private ByteBudget budget(Period per, int startDay, long now) {
        return new ByteBudget("cloud", new BudgetConfig(per, 10_000, startDay, 80, Duration.ofMinutes(5),
                List.of("alarms")), CLASSES, dir, now);
    }

    private static StoredRecord telemetry(String topic, long at) {
        return Queued.of(1, topic, new byte[4], 1, at).record(1);
    }

    @Test
    void from_the_low_mark_telemetry_is_thinned_per_topic_to_the_minimum_interval_and_alarms_are_not() {
        ByteBudget b = budget(Period.DAY, 1, NOON);
        b.update(0, NOON);
        assertThat(b.thins(telemetry("t/1", NOON))).isFalse();
        assertThat(b.update(8_000, NOON)).isTrue();
        assertThat(b.state()).isEqualTo(ByteBudget.State.LOW);

        StoredRecord first = telemetry("t/1", NOON);
        assertThat(b.thins(first)).isFalse();
        b.sending(first);
        assertThat(b.thins(telemetry("t/1", NOON + 60_000))).isTrue();
        assertThat(b.thins(telemetry("t/2", NOON + 60_000))).as("another topic").isFalse();
        assertThat(b.thins(telemetry("t/1", NOON + 300_000))).as("five minutes later").isFalse();
        assertThat(b.thins(Queued.of(0, "t/1", new byte[4], 1, NOON + 1).record(1))).as("alarms class").isFalse();
        assertThat(b.holds(1)).isFalse();
    }

    @Test
    void a_used_up_budget_holds_every_class_but_the_kept_ones_until_the_next_day() {
        ByteBudget b = budget(Period.DAY, 1, NOON);
        b.update(0, NOON);
        b.update(10_000, NOON);
        assertThat(b.state()).isEqualTo(ByteBudget.State.EXHAUSTED);
        assertThat(b.holds(1)).isTrue();
        assertThat(b.holds(0)).isFalse();
        assertThat(b.periodEnd()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z").toEpochMilli());

        assertThat(b.update(10_000, b.periodEnd())).isTrue();
        assertThat(b.state()).isEqualTo(ByteBudget.State.NORMAL);
        assertThat(b.used()).isZero();
        assertThat(b.holds(1)).isFalse();
    }

    @Test
    void the_count_survives_a_restart_within_the_period_and_not_into_the_next() {
        ByteBudget b = budget(Period.MONTH, 15, NOON);
        b.update(0, NOON);
        b.update(9_000, NOON);
        b.save(NOON);

        ByteBudget again = budget(Period.MONTH, 15, NOON + 3_600_000);
        assertThat(again.used()).isEqualTo(9_000);
        assertThat(again.state()).isEqualTo(ByteBudget.State.LOW);
        assertThat(again.periodEnd()).isEqualTo(Instant.parse("2026-12-15T00:00:00Z").toEpochMilli());

        ByteBudget nextPeriod = budget(Period.MONTH, 15, Instant.parse("2026-12-15T00:00:01Z").toEpochMilli());
        assertThat(nextPeriod.used()).isZero();
        assertThat(nextPeriod.state()).isEqualTo(ByteBudget.State.NORMAL);
    }
}
