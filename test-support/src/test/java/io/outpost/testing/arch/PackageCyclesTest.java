package io.outpost.testing.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.outpost.testing.arch.fixture.alpha.Alpha;
import io.outpost.testing.arch.fixture.beta.Beta;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {

    @Test
    void test_support_has_no_package_cycle() {
        PackageCycles.assertNone();
    }

    @Test
    void the_rule_reports_two_packages_that_use_each_other() {
        var cycle = new ClassFileImporter().importClasses(Alpha.class, Beta.class);

        assertThatThrownBy(() -> PackageCycles.PACKAGES_FORM_A_TREE.check(cycle))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected")
                .hasMessageContaining("Alpha")
                .hasMessageContaining("Beta");
    }

    @Test
    void the_rule_sees_main_classes_only() {
        var main = PackageCycles.mainClasses();

        assertThat(main.contain(PackageCycles.class)).isTrue();
        assertThat(main.contain(Alpha.class)).isFalse();
    }
}
