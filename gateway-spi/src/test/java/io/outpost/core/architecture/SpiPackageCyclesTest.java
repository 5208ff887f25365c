package io.outpost.core.architecture;

import io.outpost.testing.arch.PackageCycles;
import org.junit.jupiter.api.Test;

/** The build fails on a package cycle: the SPI's packages form a tree. */
class SpiPackageCyclesTest {

    @Test
    void packages_form_a_tree() {
        PackageCycles.assertNone();
    }
}
