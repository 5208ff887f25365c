package io.outpost.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FleetRolloutTest {

    private static List<String> gateways(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> String.format("north-%03d", i)).toList();
    }

    @Test
    void aShareCanary_isRoundedUpToAtLeastOneGateway_andTheRestFollowsInOneStage() {
        assertThat(FleetRollout.stages(gateways(100), "5%")).extracting(List::size).containsExactly(5, 95);
        assertThat(FleetRollout.stages(gateways(10), "5%")).extracting(List::size).containsExactly(1, 9);
        assertThat(FleetRollout.stages(gateways(10), "3")).extracting(List::size).containsExactly(3, 7);
    }

    @Test
    void noCanary_orOneCoveringAll_isOneStage() {
        assertThat(FleetRollout.stages(gateways(4), null)).hasSize(1);
        assertThat(FleetRollout.stages(gateways(4), "100%")).hasSize(1);
        assertThat(FleetRollout.stages(List.of(), "5%")).isEmpty();
    }

    @Test
    void aCanaryOfNothing_isRefused() {
        assertThatThrownBy(() -> FleetRollout.stages(gateways(4), "0%")).hasMessageContaining("above 0%");
        assertThatThrownBy(() -> FleetRollout.stages(gateways(4), "0")).hasMessageContaining("at least 1");
    }

    @Test
    void theGatewayIdIsFoundInATopicOfThePrefix() {
        assertThat(FleetTopics.gatewayOf("outpost/{gateway}/", "outpost/north-7/birth")).isEqualTo("north-7");
        assertThat(FleetTopics.gatewayOf("fleet/{site}/{gateway}/", "fleet/north/n7/config/result")).isEqualTo("n7");
        assertThat(FleetTopics.gatewayOf("outpost/{gateway}/", "other/north-7/birth")).isNull();
        assertThat(FleetTopics.everyGateway("fleet/{site}/{gateway}/", "birth")).isEqualTo("fleet/+/+/birth");
        assertThat(Glob.matches("north-*", "north-7")).isTrue();
        assertThat(Glob.matches("north-*", "south-7")).isFalse();
        assertThat(Glob.matches("n?rth.1", "north.1")).isTrue();
        assertThat(Glob.matches("n?rth.1", "northx1")).isFalse();
    }
}
