package io.outpost.mqtt.internal.bridge.flow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void a_second_worth_goes_at_once_then_the_rate_holds() {
        TokenBucket b = new TokenBucket(1000, 0);
        assertThat(b.take(1000, 0)).isZero();
        assertThat(b.take(500, 0)).isEqualTo(SECOND / 2);
        assertThat(b.take(500, SECOND / 2)).isZero();
    }

    @Test
    void a_message_larger_than_a_second_worth_goes_when_the_bucket_is_full() {
        TokenBucket b = new TokenBucket(1000, 0);
        assertThat(b.take(5000, 0)).isZero();
        assertThat(b.take(10, 0)).isPositive();
        assertThat(b.take(10, 6 * SECOND)).isZero();
    }

    @Test
    void no_limit_never_waits() {
        TokenBucket b = new TokenBucket(0, 0);
        assertThat(b.take(Long.MAX_VALUE / 2, 0)).isZero();
    }
}
