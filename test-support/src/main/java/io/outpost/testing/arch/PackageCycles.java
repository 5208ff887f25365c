package io.outpost.testing.arch;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The build rule that Outpost's packages form a tree: every module has a test that calls {@link #assertNone()}, so a
 * new package cycle fails that module's {@code mvn verify} and names the classes that close it. Each package is a
 * slice of its own ({@code io.outpost.(**)}), so a sub-package and its parent count as two packages too. A module
 * checks the main classes of everything on its class path under {@code io.outpost}: its own and those of the modules
 * it depends on, so that a package spread over two modules (the SPI's packages) is seen whole.
 *
 * <p>To break a cycle, move the shared value type into the lower package or give the lower package a small interface
 * that the upper one implements (see STYLE.md, "Dependencies point one way").
 */
public final class PackageCycles {

    /** Every package under {@code io.outpost} is one slice; a cycle between any two fails. */
    public static final ArchRule PACKAGES_FORM_A_TREE = slices().matching("io.outpost.(**)")
            .should().beFreeOfCycles()
            .because("packages form a tree: a shared type goes into a bottom package, an upward call behind an interface");

    private PackageCycles() {
    }

    /** Fails with the cycles found among the main (non-test) classes under {@code io.outpost} on the class path. */
    public static void assertNone() {
        PACKAGES_FORM_A_TREE.check(mainClasses());
    }

    /**
     * The main classes under {@code io.outpost} on the class path, without test classes and test jars (a module's
     * tests may use gateway-core's test jar). Classes they refer to outside {@code io.outpost} (Netty, Milo, ...) are
     * not imported: a cycle among our packages needs none of them, and resolving them costs seconds.
     */
    public static JavaClasses mainClasses() {
        return ArchConfiguration.withThreadLocalScope(configuration -> {
            configuration.setResolveMissingDependenciesFromClassPath(false);
            return new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .withImportOption(location -> !location.contains("-tests.jar"))
                    .importPackages("io.outpost");
        });
    }
}
