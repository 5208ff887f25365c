package io.outpost.mqtt.internal.bridge.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassSchedulerTest {

    @Test
    void classes_share_send_slots_by_priority_and_a_high_one_goes_first_in_each_round() {
        ClassScheduler s = new ClassScheduler(new int[] {1, 3});
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            picks.add(s.next(c -> true));
        }
        assertThat(picks).containsExactly(1, 1, 1, 0, 1, 1, 1, 0);
    }

    @Test
    void a_class_with_nothing_waiting_gives_its_slots_away_and_none_waiting_gives_minus_one() {
        ClassScheduler s = new ClassScheduler(new int[] {10, 1});
        assertThat(s.next(c -> c == 1)).isEqualTo(1);
        assertThat(s.next(c -> c == 1)).isEqualTo(1);
        assertThat(s.next(c -> false)).isEqualTo(-1);
    }
}
