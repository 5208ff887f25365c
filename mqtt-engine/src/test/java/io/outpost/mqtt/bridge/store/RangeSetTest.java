package io.outpost.mqtt.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RangeSetTest {

    @Test
    void adjacent_ranges_merge_so_in_order_acknowledgements_need_one_entry() {
        RangeSet s = new RangeSet();
        for (int i = 0; i < 1000; i++) {
            assertThat(s.add(i * 10, i * 10 + 10)).isTrue();
        }
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.contains(9_990)).isTrue();
        assertThat(s.contains(10_000)).isFalse();
    }

    @Test
    void out_of_order_ranges_merge_when_the_gap_closes_and_a_second_add_is_refused() {
        RangeSet s = new RangeSet();
        s.add(20, 30);
        s.add(0, 10);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.contains(15)).isFalse();
        s.add(10, 20);
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.add(20, 30)).isFalse();
    }
}
