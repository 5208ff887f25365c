package io.outpost.app.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.outpost.adapter.fixture.AdapterThatStartsASimulator;
import io.outpost.adapter.modbus.sim.fixture.SimulatorThatUsesTheAdapter;
import io.outpost.testing.arch.PackageCycles;
import org.junit.jupiter.api.Test;

/**
 * The simulated devices (modules {@code simulators/*}, packages {@code io.outpost.adapter.*.sim}) are test peers and
 * the demo's devices: they use no Outpost code, so that an adapter is tested against an independent implementation
 * of its protocol, and no runtime code uses them, so that they stay off a gateway's class path except for the demo.
 * The simulators' POMs ban every Outpost module and the adapters' POMs ban the simulators outside test scope (the
 * Maven enforcer); this catches a class that gets there another way. The application sees both sides, so the rules
 * are here.
 */
class SimulatorDependencyTest {

    private static final String SIMULATORS = "io.outpost.adapter.*.sim..";

    static final ArchRule SIMULATORS_STAND_ALONE = noClasses()
            .that().resideInAPackage(SIMULATORS)
            .should().dependOnClassesThat(resideInAPackage("io.outpost..").and(not(resideInAPackage(SIMULATORS))))
            .because("a simulated device is a second, independent implementation of its protocol: it uses its"
                    + " protocol library (j2mod, Milo, bacnet4j), never the adapter's types");

    static final ArchRule ONLY_THE_DEMO_RUNS_SIMULATORS = noClasses()
            .that().resideInAPackage("io.outpost..")
            .and().resideOutsideOfPackages(SIMULATORS, "io.outpost.app.demo..")
            .should().dependOnClassesThat().resideInAPackage(SIMULATORS)
            .because("simulators are the tests' and the demo's devices, not part of an adapter's or the gateway's"
                    + " runtime");

    @Test
    void simulators_use_no_outpost_code() {
        SIMULATORS_STAND_ALONE.check(PackageCycles.mainClasses());
    }

    @Test
    void no_main_code_but_the_demo_uses_a_simulator() {
        ONLY_THE_DEMO_RUNS_SIMULATORS.check(PackageCycles.mainClasses());
    }

    @Test
    void the_rules_catch_a_simulator_using_an_adapter_type_and_an_adapter_starting_a_simulator() {
        assertThatThrownBy(() -> SIMULATORS_STAND_ALONE.check(
                new ClassFileImporter().importClasses(SimulatorThatUsesTheAdapter.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("SimulatorThatUsesTheAdapter")
                .hasMessageContaining("io.outpost.adapter.modbus.config.Table");
        assertThatThrownBy(() -> ONLY_THE_DEMO_RUNS_SIMULATORS.check(
                new ClassFileImporter().importClasses(AdapterThatStartsASimulator.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("AdapterThatStartsASimulator")
                .hasMessageContaining("ModbusSimulator");
    }
}
