package io.outpost.mqtt.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.outpost.mqtt.fixture.EngineClassThatReachesIntoTheCore;
import io.outpost.testing.arch.PackageCycles;
import org.junit.jupiter.api.Test;

/**
 * The MQTT engine uses the core's model and contracts (messages, points, configuration records, commands, files,
 * logging), never its machinery: the runtime, the configuration loader, the poller, the mapping and reporting
 * stages, the history. The application wires the two together (it hands the engine a {@code PointCatalog}).
 */
class EngineDependencyTest {

    static final ArchRule ENGINE_SEES_NO_CORE_INTERNALS = noClasses()
            .that().resideInAPackage("io.outpost.mqtt..")
            .should().dependOnClassesThat(resideInAnyPackage("io.outpost.core.runtime..",
                    "io.outpost.core.config.load..", "io.outpost.core.poll..", "io.outpost.core.mapping..",
                    "io.outpost.core.report..", "io.outpost.core.history.."))
            .because("the engine is wired to the core by the application, through the core's model and contracts");

    @Test
    void the_engine_depends_on_the_cores_model_and_contracts_only() {
        ENGINE_SEES_NO_CORE_INTERNALS.check(PackageCycles.mainClasses());
    }

    @Test
    void the_rule_catches_an_engine_class_that_uses_the_runtime() {
        var offender = new ClassFileImporter().importClasses(EngineClassThatReachesIntoTheCore.class);

        assertThatThrownBy(() -> ENGINE_SEES_NO_CORE_INTERNALS.check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("EngineClassThatReachesIntoTheCore")
                .hasMessageContaining("GatewayRuntime");
    }
}
