package io.outpost.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.logic.computed.ComputedAdapterFactory;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.TestAdapterFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Any text as a configuration file: the loader accepts it or reports its problems ({@link ConfigException}); it
 * never fails otherwise, whatever YAML it is given (aliases, deep nesting, odd scalars, broken UTF-8), including
 * computed points' expressions, units and aggregation windows. Kept
 * inputs: src/test/resources/io/outpost/core/fuzz/ConfigLoaderFuzzTestInputs/.
 */
class ConfigLoaderFuzzTest {

    private static final ConfigLoader LOADER = new ConfigLoader(new AdapterCatalog(List.of(new TestAdapterFactory(),
            new ComputedAdapterFactory())),
            List.of(), PayloadFormats.standard().names(), new Interpolator(n -> null));

    @FuzzTest
    void anyText_isLoadedOrReportedAsConfigProblems(byte[] file) {
        try {
            LOADER.parse(new String(file, StandardCharsets.UTF_8), Path.of("fuzz.yaml"));
        } catch (ConfigException expected) {
            // The loader's only way to say no.
        }
    }
}
