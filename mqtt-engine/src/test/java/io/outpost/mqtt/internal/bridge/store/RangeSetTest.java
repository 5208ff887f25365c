package io.outpost.mqtt.internal.bridge.store;

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

    @Test
    void random_ranges_agree_with_a_bit_per_address() {
        java.util.Random random = new java.util.Random(5);
        for (int round = 0; round < 200; round++) {
            RangeSet s = new RangeSet();
            java.util.BitSet bits = new java.util.BitSet();
            for (int i = 0; i < 60; i++) {
                int from = random.nextInt(500);
                int to = from + 1 + random.nextInt(random.nextBoolean() ? 3 : 40);
                boolean covered = bits.get(from);
                assertThat(s.add(from, to)).isEqualTo(!covered);
                if (!covered) {
                    bits.set(from, to);
                }
                int probe = random.nextInt(560);
                assertThat(s.contains(probe)).as("address %d", probe).isEqualTo(bits.get(probe));
            }
            for (int a = 0; a < 560; a++) {
                assertThat(s.contains(a)).as("address %d", a).isEqualTo(bits.get(a));
                int b = a + 1 + random.nextInt(20);
                assertThat(s.covers(a, b)).isEqualTo(bits.get(a, b).cardinality() == b - a);
            }
            int[] ranges = {0};
            int[] last = {-1};
            s.forEach((f, t) -> {
                assertThat(f).as("sorted, disjoint and not touching").isGreaterThan(last[0]);
                last[0] = t;
                ranges[0]++;
            });
            assertThat(ranges[0]).isEqualTo(s.size());
        }
    }
}
