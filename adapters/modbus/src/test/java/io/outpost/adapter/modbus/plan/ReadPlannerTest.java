package io.outpost.adapter.modbus.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.modbus.config.ModbusDevice;
import io.outpost.adapter.modbus.config.Table;
import io.outpost.adapter.modbus.testing.ModbusConfigs;
import io.outpost.adapter.modbus.testing.RegisterMaps;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReadPlannerTest {

    private static DeviceConfig device(String deviceKeys, String points) {
        return ModbusConfigs.device(ModbusConfigs.tcpDevice(502, deviceKeys, points));
    }

    private static ReadPlanner planner(DeviceConfig d) {
        return new ReadPlanner(d.settings(ModbusDevice.class), d.points(), new LearnedCuts());
    }

    private static List<String> describe(ReadPlan plan) {
        return plan.blocks().stream().map(b -> b.table().reference(b.start()) + "+" + b.count()).toList();
    }

    @Test
    void plan_typicalMap_readsEachTableInOneRequest() {
        DeviceConfig d = device("", RegisterMaps.TYPICAL);
        ReadPlan plan = planner(d).plan(d.points());
        assertThat(describe(plan)).containsExactly("00001+3", "10001+9", "30001+13", "40001+20");
        assertThat(plan.points()).isEqualTo(13);
    }

    @Test
    void plan_gapWiderThanMaxGap_startsANewRequest() {
        DeviceConfig d = device("max-gap: 3", """
                - {id: a, address: 40001, type: uint16}
                - {id: b, address: 40005, type: uint16}
                - {id: c, address: 40010, type: uint16}
                """);
        assertThat(describe(planner(d).plan(d.points()))).containsExactly("40001+5", "40010+1");
    }

    @Test
    void plan_maxGapZero_mergesOnlyAdjacentPoints() {
        DeviceConfig d = device("max-gap: 0", """
                - {id: a, address: 40001, type: float32}
                - {id: b, address: 40003, type: uint16}
                - {id: c, address: 40005, type: uint16}
                """);
        assertThat(describe(planner(d).plan(d.points()))).containsExactly("40001+3", "40005+1");
    }

    @Test
    void plan_manyRegisters_neverExceedsTheLimit() {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            points.append("- {id: p").append(i).append(", address: ").append(40001 + i).append(", type: uint16}\n");
        }
        DeviceConfig d = device("", points.toString());
        assertThat(describe(planner(d).plan(d.points()))).containsExactly("40001+125", "40126+125", "40251+50");
        DeviceConfig limited = device("max-registers-per-request: 100", points.toString());
        assertThat(describe(planner(limited).plan(limited.points()))).containsExactly("40001+100", "40101+100", "40201+100");
    }

    @Test
    void plan_neverSplitsAMultiRegisterValueAcrossTheLimit() {
        DeviceConfig d = device("max-registers-per-request: 5", """
                - {id: a, address: 40001, type: float32}
                - {id: b, address: 40003, type: float32}
                - {id: c, address: 40005, type: float32}
                """);
        assertThat(describe(planner(d).plan(d.points()))).containsExactly("40001+4", "40005+2");
    }

    @Test
    void plan_bits_bridgeSixteenBitsPerRegisterOfGapAndStopAtTheBitLimit() {
        DeviceConfig d = device("max-gap: 1\nmax-bits-per-request: 40", """
                - {id: a, address: 00001}
                - {id: b, address: 00017}
                - {id: c, address: 00034}
                - {id: d, address: 00050}
                """);
        assertThat(describe(planner(d).plan(d.points()))).containsExactly("00001+34", "00050+1");
    }

    @Test
    void plan_forbiddenRangeInAGap_isNeverRead() {
        DeviceConfig d = device("forbidden: [40003-40004, {table: input, from: 5, to: 5}]", """
                - {id: a, address: 40001, type: uint16}
                - {id: b, address: 40006, type: uint16}
                - {id: c, address: 40002, type: uint16}
                - {id: x, address: 30001, type: uint16}
                - {id: y, address: 30010, type: uint16}
                """);
        assertThat(describe(planner(d).plan(d.points()))).containsExactly("30001+1", "30010+1", "40001+2", "40006+1");
    }

    @Test
    void plan_differentUnitIds_areNeverMerged() {
        DeviceConfig d = device("unit-id: 1", """
                - {id: a, address: 40001, type: uint16}
                - {id: b, address: 40002, type: uint16, unit-id: 2}
                - {id: c, address: 40003, type: uint16}
                """);
        ReadPlan plan = planner(d).plan(d.points());
        assertThat(plan.blocks()).extracting(ReadBlock::unitId).containsExactly(1, 2);
        assertThat(describe(plan)).containsExactly("40001+3", "40002+1");
    }

    @Test
    void plan_learnedCut_splitsThereFromNowOn() {
        DeviceConfig d = device("", """
                - {id: a, address: 40001, type: uint16}
                - {id: b, address: 40005, type: uint16}
                - {id: c, address: 40009, type: uint16}
                """);
        ReadPlanner planner = planner(d);
        ReadPlan before = planner.plan(d.points());
        assertThat(describe(before)).containsExactly("40001+9");
        assertThat(planner.plan(d.points())).isSameAs(before);
        planner.cuts().add(1, Table.HOLDING_REGISTER, 8);
        assertThat(describe(planner.plan(d.points()))).containsExactly("40001+5", "40009+1");
    }

    @Test
    void plan_subsetOfPoints_plansOnlyThoseAndIsCached() {
        String points = IntStream.range(0, 20)
                .mapToObj(i -> "- {id: p" + i + ", address: " + (40001 + i * 20) + ", type: uint16}")
                .reduce("", (a, b) -> a + b + "\n");
        DeviceConfig d = device("max-gap: 19", points);
        ReadPlanner planner = planner(d);
        List<PointConfig> evenOnes = IntStream.range(0, 20).filter(i -> i % 2 == 0).mapToObj(i -> d.points().get(i)).toList();
        ReadPlan plan = planner.plan(evenOnes);
        assertThat(plan.points()).isEqualTo(10);
        assertThat(describe(plan)).containsExactly("40001+1", "40041+1", "40081+1", "40121+1", "40161+1", "40201+1",
                "40241+1", "40281+1", "40321+1", "40361+1");
        assertThat(planner.plan(List.copyOf(evenOnes))).isSameAs(plan);
        assertThat(describe(planner.plan(d.points()))).containsExactly("40001+121", "40141+121", "40281+101");
    }

    @Test
    void plan_overlappingPoints_shareOneRequest() {
        DeviceConfig d = device("", """
                - {id: word, address: 40010, type: uint16}
                - {id: bit0, address: 40010.0}
                - {id: bit15, address: 40010.15}
                - {id: same, address: 40010, type: int16, scale: 0.1}
                """);
        ReadPlan plan = planner(d).plan(d.points());
        assertThat(describe(plan)).containsExactly("40010+1");
        assertThat(plan.blocks().get(0).splitIndex()).isEqualTo(-1);
    }
}
