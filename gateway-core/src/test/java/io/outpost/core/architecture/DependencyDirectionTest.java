package io.outpost.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The core knows no adapter and no MQTT code. The Maven enforcer already bans such dependencies in the POM; this
 * catches a class that reaches them any other way (a copied class, a package-named shortcut).
 */
class DependencyDirectionTest {

    static final ArchRule CORE_DEPENDS_ON_NO_ADAPTER_AND_NO_MQTT = noClasses()
            .that().resideInAPackage("io.outpost.core..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.outpost.adapter..", "io.outpost.mqtt..", "io.outpost.app..",
                    "io.netty..", "com.ghgande..", "org.eclipse.milo..", "com.serotonin..", "jssc..",
                    "com.hivemq..", "org.eclipse.paho..")
            .because("dependencies point one way: core <- adapters / mqtt-engine <- app");

    @Test
    void core_classes_depend_on_no_adapter_and_no_mqtt_code() {
        JavaClasses core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.outpost.core");

        CORE_DEPENDS_ON_NO_ADAPTER_AND_NO_MQTT.check(core);
    }

    @Test
    void the_rule_catches_a_core_class_that_imports_the_mqtt_engine() {
        JavaClasses offender = new ClassFileImporter().importClasses(CoreClassThatBreaksTheRule.class,
                io.outpost.mqtt.fixture.PretendEngine.class);

        assertThatThrownBy(() -> CORE_DEPENDS_ON_NO_ADAPTER_AND_NO_MQTT.check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("CoreClassThatBreaksTheRule")
                .hasMessageContaining("PretendEngine");
    }

    /** What the rule exists to stop: core code calling into the MQTT engine. */
    static final class CoreClassThatBreaksTheRule {
        Object engine() {
            return new io.outpost.mqtt.fixture.PretendEngine();
        }
    }
}
