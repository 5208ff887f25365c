package io.outpost.app.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static io.outpost.testing.arch.EngineBoundary.ONLY_THE_ENGINE_USES_ITS_INTERNALS;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.outpost.app.fixture.AppClassThatReachesIntoTheEngine;
import io.outpost.testing.arch.EngineBoundary;
import org.junit.jupiter.api.Test;

/**
 * The application uses the MQTT engine's API only, in its main code and in its tests alike: the engine's classes
 * under {@code io.outpost.mqtt.internal} are its own (the fixture that breaks the rule on purpose is left out).
 */
class EngineBoundaryTest {

    @Test
    void the_application_and_its_tests_use_the_engines_api_only() {
        ONLY_THE_ENGINE_USES_ITS_INTERNALS.check(EngineBoundary.mainAndTestClasses()
                .that(not(equivalentTo(AppClassThatReachesIntoTheEngine.class))));
    }

    @Test
    void the_rule_catches_an_application_class_that_uses_an_engine_internal() {
        var offender = new ClassFileImporter().importClasses(AppClassThatReachesIntoTheEngine.class);

        assertThatThrownBy(() -> ONLY_THE_ENGINE_USES_ITS_INTERNALS.check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("AppClassThatReachesIntoTheEngine")
                .hasMessageContaining("io.outpost.mqtt.internal.broker.routing.TopicTree");
    }
}
