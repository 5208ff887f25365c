package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configuration reference cannot drift from the code: every key the readers know (core, sections, adapters,
 * collected while reading every example in configs/) is in docs/configuration.md, every key path the reference
 * lists is known, and every example validates.
 */
class ConfigReferenceTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `([a-z][a-z0-9-]*(?:\\[\\])?(?:\\.[a-z0-9-]+(?:\\[\\])?)+)` \\|",
            Pattern.MULTILINE);

    private final ConfigLoader loader = new ConfigLoader(AdapterCatalog.fromServiceLoader(), ConfigLoader.discoverSections(),
            PayloadFormats.standard().names(), new Interpolator(name -> "set-for-the-test"));

    static Stream<Path> examples() throws Exception {
        return Files.list(REPO.resolve("configs")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    private SortedSet<String> knownKeys() throws Exception {
        SortedSet<String> keys = new TreeSet<>();
        for (Path p : examples().toList()) {
            keys.addAll(loader.knownKeys(Files.readString(p), p));
        }
        return keys;
    }

    private static boolean isContainer(String key, SortedSet<String> keys) {
        return keys.stream().anyMatch(k -> !k.equals(key) && (k.startsWith(key + ".") || k.startsWith(key + "[]")));
    }

    @Test
    void every_known_key_is_in_the_reference() throws Exception {
        String reference = Files.readString(REPO.resolve("docs/configuration.md"));
        SortedSet<String> keys = knownKeys();

        List<String> undocumented = keys.stream().filter(k -> !isContainer(k, keys))
                .filter(k -> !reference.contains("`" + k + "`")).toList();

        assertThat(keys).hasSizeGreaterThan(150);
        assertThat(undocumented).as("keys missing from docs/configuration.md").isEmpty();
    }

    @Test
    void every_key_the_reference_lists_exists() throws Exception {
        String reference = Files.readString(REPO.resolve("docs/configuration.md"));
        SortedSet<String> keys = knownKeys();
        Matcher m = DOCUMENTED.matcher(reference);
        List<String> unknown = new java.util.ArrayList<>();
        int listed = 0;
        while (m.find()) {
            listed++;
            if (!keys.contains(m.group(1))) {
                unknown.add(m.group(1));
            }
        }

        assertThat(listed).isGreaterThan(150);
        assertThat(unknown).as("keys in docs/configuration.md that no reader knows").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void every_example_config_is_valid(Path example) {
        try {
            loader.load(example);
        } catch (ConfigException e) {
            throw new AssertionError(example + " is invalid:\n" + e.getMessage());
        }
    }
}
