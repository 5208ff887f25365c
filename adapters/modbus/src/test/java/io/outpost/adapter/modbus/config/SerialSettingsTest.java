package io.outpost.adapter.modbus.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SerialSettingsTest {

    @Test
    void characterTime_countsStartDataParityAndStopBits() {
        assertThat(new SerialSettings("p", 9600, SerialSettings.Parity.EVEN, 8, 1).characterNanos())
                .isEqualTo(11 * 1_000_000_000L / 9600);
        assertThat(new SerialSettings("p", 9600, SerialSettings.Parity.NONE, 8, 1).characterNanos())
                .isEqualTo(10 * 1_000_000_000L / 9600);
        assertThat(new SerialSettings("p", 9600, SerialSettings.Parity.NONE, 8, 2).characterNanos())
                .isEqualTo(11 * 1_000_000_000L / 9600);
    }

    @Test
    void frameGap_isThreeAndAHalfCharactersButAtLeast1750MicrosecondsAbove19200Baud() {
        SerialSettings slow = new SerialSettings("p", 9600, SerialSettings.Parity.EVEN, 8, 1);
        assertThat(slow.frameGapNanos()).isEqualTo(slow.characterNanos() * 7 / 2).isBetween(4_000_000L, 4_020_000L);
        assertThat(new SerialSettings("p", 19_200, SerialSettings.Parity.EVEN, 8, 1).frameGapNanos()).isBetween(2_000_000L, 2_010_000L);
        assertThat(new SerialSettings("p", 115_200, SerialSettings.Parity.EVEN, 8, 1).frameGapNanos()).isEqualTo(1_750_000L);
    }
}
