package io.outpost.testing.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The MQTT engine's api/internal boundary: other modules use its API (the entry points {@code MqttEngine},
 * {@code Bridge} and {@code ControlLink}, the configuration records, the status views and the SPI in
 * {@code io.outpost.mqtt.api}), never its implementation under {@code io.outpost.mqtt.internal}, which may change
 * without notice. Each module that depends on the engine (gateway-app, bench) checks its main and test classes with
 * {@link #ONLY_THE_ENGINE_USES_ITS_INTERNALS}; the engine's own classes are exempt.
 */
public final class EngineBoundary {

    /** No class outside {@code io.outpost.mqtt} depends on a class under {@code io.outpost.mqtt.internal}. */
    public static final ArchRule ONLY_THE_ENGINE_USES_ITS_INTERNALS = noClasses()
            .that().resideOutsideOfPackage("io.outpost.mqtt..")
            .should().dependOnClassesThat().resideInAPackage("io.outpost.mqtt.internal..")
            .because("the engine's implementation is internal: give its API a small interface or method instead"
                    + " (README.md, \"Layout\")");

    private EngineBoundary() {
    }

    /**
     * The main and test classes under {@code io.outpost} on the class path: this module's own tests included, test
     * jars of other modules not (their tests are checked where they live). Classes outside {@code io.outpost} are not
     * imported: the rule needs none of them.
     */
    public static JavaClasses mainAndTestClasses() {
        return ArchConfiguration.withThreadLocalScope(configuration -> {
            configuration.setResolveMissingDependenciesFromClassPath(false);
            return new ClassFileImporter()
                    .withImportOption(location -> !location.contains("-tests.jar"))
                    .importPackages("io.outpost");
        });
    }
}
