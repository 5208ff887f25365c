package io.outpost.mqtt.internal.bridge.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The estimate of the SYNs a failed connect attempt cost (the kernel retransmits after 1, 3, 7, 15 s). */
class UpstreamLinkTest {

    private static final long MS = 1_000_000L;

    @Test
    void a_probe_that_gives_up_before_the_first_retransmission_sent_one_syn() {
        assertThat(UpstreamLink.synsWithin(950 * MS)).isEqualTo(1);
    }

    @Test
    void longer_attempts_count_the_kernels_retransmissions() {
        assertThat(UpstreamLink.synsWithin(2_000 * MS)).isEqualTo(2);
        assertThat(UpstreamLink.synsWithin(5_000 * MS)).isEqualTo(3);
        assertThat(UpstreamLink.synsWithin(30_000 * MS)).isEqualTo(5);
    }
}
