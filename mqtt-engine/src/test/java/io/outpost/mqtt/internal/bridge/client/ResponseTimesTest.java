package io.outpost.mqtt.internal.bridge.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The stall and connect timeouts derived from measured answer times (computations on given instants, no clock). */
class ResponseTimesTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    /** Feeds answers {@code gapMs} apart, each directly after the previous (a steady stream). */
    private static long stream(ResponseTimes t, long from, int count, long gapMs, long bytes) {
        long at = from;
        for (int i = 0; i < count; i++) {
            t.answered(at, at + gapMs * MS, bytes);
            at += gapMs * MS;
        }
        return at;
    }

    @Test
    void before_any_answer_the_stall_timeout_is_the_floor() {
        assertThat(new ResponseTimes(null).stallTimeoutNanos(0)).isEqualTo(5 * S);
    }

    @Test
    void a_fast_link_stays_on_the_floor_so_a_black_hole_is_noticed_within_seconds() {
        ResponseTimes t = new ResponseTimes(null);
        stream(t, 0, 500, 2, 200);
        assertThat(t.stallTimeoutNanos(200)).isEqualTo(5 * S);
    }

    @Test
    void a_slow_jittery_link_gets_a_longer_timeout_than_its_answers_take() {
        ResponseTimes t = new ResponseTimes(null);
        long at = 0;
        for (int i = 0; i < 200; i++) {
            long gap = (i % 2 == 0 ? 2_500 : 4_500) * MS;
            t.answered(at + 10 * S, at + 10 * S + gap, 0);
            at += 20 * S;
        }
        assertThat(t.stallTimeoutNanos(0)).isGreaterThan(3 * 4_500 * MS);
    }

    @Test
    void a_large_message_ahead_adds_the_time_it_takes_at_the_measured_throughput() {
        ResponseTimes t = new ResponseTimes(null);
        // 8 KB/s: 800-byte messages acknowledged 100 ms apart.
        stream(t, 0, 200, 100, 800);
        assertThat(t.bytesPerSecond()).isBetween(7_900.0, 8_100.0);
        assertThat(t.stallTimeoutNanos(800)).isEqualTo(5 * S);
        // 3 x (100 ms + 10 ms) plus 64 KB at 8 KB/s.
        assertThat(t.stallTimeoutNanos(64 * 1024)).isBetween(8_400 * MS, 8_600 * MS);
    }

    @Test
    void a_timeout_without_answer_doubles_the_next_until_an_answer_comes() {
        ResponseTimes t = new ResponseTimes(null);
        t.stalled();
        assertThat(t.stallTimeoutNanos(0)).isEqualTo(10 * S);
        t.stalled();
        assertThat(t.stallTimeoutNanos(0)).isEqualTo(20 * S);
        for (int i = 0; i < 10; i++) {
            t.stalled();
        }
        assertThat(t.stallTimeoutNanos(0)).isEqualTo(ResponseTimes.CEILING.toNanos());
        t.answered(0, MS, 0);
        assertThat(t.stallTimeoutNanos(0)).isEqualTo(5 * S);
    }

    @Test
    void a_configured_stall_timeout_is_used_as_it_is() {
        ResponseTimes t = new ResponseTimes(Duration.ofSeconds(2));
        stream(t, 0, 50, 700, 0);
        t.stalled();
        assertThat(t.stallTimeoutNanos(1 << 20)).isEqualTo(2 * S);
    }

    @Test
    void a_connect_attempt_waits_the_stall_timeout_and_three_round_trips_doubled_once_and_never_beyond_the_configured_cap() {
        ResponseTimes t = new ResponseTimes(null);
        stream(t, 0, 100, 700, 0);
        long base = t.stallTimeoutNanos(0) + 3 * t.srttNanos();
        assertThat(t.connectTimeoutNanos(Duration.ofSeconds(30))).isEqualTo(base);
        t.connectTimedOut();
        t.connectTimedOut();
        assertThat(t.connectTimeoutNanos(Duration.ofSeconds(30))).isEqualTo(2 * base);
        assertThat(t.connectTimeoutNanos(Duration.ofSeconds(3))).isEqualTo(3 * S);
    }

    @Test
    void a_probe_handshake_waits_under_a_second_every_fourth_twice_that_and_three_handshakes_on_a_slow_path() {
        ResponseTimes fast = new ResponseTimes(null);
        fast.handshake(MS);
        assertThat(fast.tcpConnectTimeoutNanos(Duration.ofSeconds(1), Duration.ofSeconds(30), false)).isEqualTo(950 * MS);
        assertThat(fast.tcpConnectTimeoutNanos(Duration.ofSeconds(1), Duration.ofSeconds(30), true)).isEqualTo(2 * S);
        assertThat(fast.tcpConnectTimeoutNanos(Duration.ofSeconds(10), Duration.ofSeconds(30), false))
                .as("a long probe interval: still one SYN per probe").isEqualTo(950 * MS);
        ResponseTimes slow = new ResponseTimes(null);
        slow.handshake(700 * MS);
        assertThat(slow.tcpConnectTimeoutNanos(Duration.ofSeconds(1), Duration.ofSeconds(30), false)).isEqualTo(2_100 * MS);
        assertThat(slow.tcpConnectTimeoutNanos(Duration.ofSeconds(1), Duration.ofSeconds(2), false))
                .as("never beyond the attempt's cap").isEqualTo(2 * S);
    }
}
