package io.outpost.app.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import io.outpost.testing.arch.PackageCycles;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every top-level main class has a simple name of its own across the modules the application is built from: two
 * classes called {@code Outbox} (a broker session's and the bridge's) made a reader, a stack trace and a profile
 * ambiguous. A name says what the class is, including which side it serves.
 */
class ClassNamesTest {

    @Test
    void every_main_class_has_a_simple_name_of_its_own() {
        Map<String, List<String>> byName = PackageCycles.mainClasses().stream()
                .filter(c -> c.getPackageName().startsWith("io.outpost.") && !c.getPackageName().startsWith("io.outpost.testing"))
                .filter(JavaClass::isTopLevelClass)
                .collect(Collectors.groupingBy(JavaClass::getSimpleName, TreeMap::new,
                        Collectors.mapping(JavaClass::getName, Collectors.toList())));
        assertThat(byName).as("main classes").hasSizeGreaterThan(500);
        Map<String, List<String>> twice = new TreeMap<>(byName);
        twice.values().removeIf(names -> names.size() < 2);
        assertThat(twice).as("simple names used by more than one main class").isEmpty();
    }
}
