package io.outpost.bench.architecture;

import static io.outpost.testing.arch.EngineBoundary.ONLY_THE_ENGINE_USES_ITS_INTERNALS;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import io.outpost.testing.arch.EngineBoundary;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks drive the MQTT engine through its API, like the application. The exceptions are the two JMH
 * microbenchmarks that measure one engine internal on its own (the subscription index, the read check at
 * delivery): there is no API to measure those through, and BENCHMARKS.md records their figures.
 */
class EngineBoundaryTest {

    /** The microbenchmarks of engine internals, with their nested classes and the classes JMH generates for them. */
    static final List<String> MICROBENCHMARKS_OF_INTERNALS = List.of("TopicTreeBenchmark", "DeliveryAccessBenchmark");

    static final DescribedPredicate<JavaClass> MICROBENCHMARK_OF_AN_INTERNAL = DescribedPredicate.describe(
            "a JMH microbenchmark of an engine internal", c -> c.getPackageName().startsWith("io.outpost.bench.jmh")
                    && MICROBENCHMARKS_OF_INTERNALS.stream().anyMatch(localName(c)::startsWith));

    private static String localName(JavaClass c) {
        return c.getName().substring(c.getPackageName().length() + 1);
    }

    @Test
    void the_benchmarks_use_the_engines_api_only_but_for_the_microbenchmarks_of_its_internals() {
        JavaClasses classes = EngineBoundary.mainAndTestClasses();
        assertThat(classes.that(MICROBENCHMARK_OF_AN_INTERNAL)).extracting(JavaClass::getSimpleName)
                .contains("TopicTreeBenchmark", "DeliveryAccessBenchmark");

        ONLY_THE_ENGINE_USES_ITS_INTERNALS.check(classes.that(DescribedPredicate.not(MICROBENCHMARK_OF_AN_INTERNAL)));
    }
}
