package io.outpost.app.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.outpost.adapter.fixture.AdapterThatReachesIntoTheCore;
import io.outpost.testing.arch.PackageCycles;
import org.junit.jupiter.api.Test;

/**
 * Adapters see the core through gateway-spi only: the SPI, the point model, the configuration records and their
 * reading API, time and timers. The adapters' POMs already ban gateway-core outside test scope (the Maven enforcer);
 * this catches a class that reaches the core another way. The application sees every adapter, so the rule is here.
 */
class AdapterDependencyTest {

    static final ArchRule ADAPTERS_SEE_ONLY_THE_SPI = noClasses()
            .that().resideInAPackage("io.outpost.adapter..")
            .should().dependOnClassesThat(resideInAPackage("io.outpost.core..")
                    .and(not(resideInAnyPackage("io.outpost.core.spi..", "io.outpost.core.point..",
                            "io.outpost.core.config", "io.outpost.core.time.."))))
            .because("an adapter is a plugin: it compiles against gateway-spi, never the core's internals"
                    + " (GatewayRuntime, core.config.load, the poller)");

    @Test
    void adapters_depend_on_the_spi_packages_of_the_core_only() {
        ADAPTERS_SEE_ONLY_THE_SPI.check(PackageCycles.mainClasses());
    }

    @Test
    void the_rule_catches_an_adapter_class_that_uses_the_config_loader() {
        var offender = new ClassFileImporter().importClasses(AdapterThatReachesIntoTheCore.class);

        assertThatThrownBy(() -> ADAPTERS_SEE_ONLY_THE_SPI.check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("AdapterThatReachesIntoTheCore")
                .hasMessageContaining("ConfigLoader");
    }
}
