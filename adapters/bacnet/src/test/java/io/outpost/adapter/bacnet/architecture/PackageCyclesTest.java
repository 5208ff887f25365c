package io.outpost.adapter.bacnet.architecture;

import io.outpost.testing.arch.PackageCycles;
import org.junit.jupiter.api.Test;

/** The build fails on a package cycle: this module's packages and those of the modules below it form a tree. */
class PackageCyclesTest {

    @Test
    void packages_form_a_tree() {
        PackageCycles.assertNone();
    }
}
