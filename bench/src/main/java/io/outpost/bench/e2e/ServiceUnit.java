package io.outpost.bench.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the shipped systemd unit ({@code systemd/outpost.service}) gives the gateway: the JVM options in
 * {@code OUTPOST_JAVA_OPTS} and the other {@code Environment=} variables (such as {@code MALLOC_ARENA_MAX}), so that
 * the benchmark and the soak run the gateway the way it is installed, and follow the unit when it changes.
 */
public record ServiceUnit(List<String> javaOptions, Map<String, String> environment) {

    private static final String OPTIONS = "OUTPOST_JAVA_OPTS";

    /** Reads the unit's {@code Environment=NAME=value} lines (one variable per line, as the unit writes them). */
    public static ServiceUnit read(Path unit) {
        List<String> options = List.of();
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(unit)) {
                if (!line.startsWith("Environment=")) {
                    continue;
                }
                // systemd quotes an assignment whose value has spaces: Environment="NAME=a b"
                String assignment = line.substring("Environment=".length()).trim().replace("\"", "");
                int eq = assignment.indexOf('=');
                String name = assignment.substring(0, eq);
                String value = assignment.substring(eq + 1).trim();
                if (name.equals(OPTIONS)) {
                    options = Arrays.asList(value.split("\\s+"));
                } else {
                    env.put(name, value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the systemd unit " + unit, e);
        }
        return new ServiceUnit(List.copyOf(options), Map.copyOf(env));
    }

    /** The unit in a source tree, found from {@code dir} or one of its parents (a module's directory). */
    public static ServiceUnit fromSourceTree(Path dir) {
        for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
            Path unit = d.resolve("systemd").resolve("outpost.service");
            if (Files.isRegularFile(unit)) {
                return read(unit);
            }
        }
        throw new IllegalStateException("no systemd/outpost.service in " + dir.toAbsolutePath() + " or above");
    }

    /** The same environment with other JVM options (a profiling run). */
    public ServiceUnit withJavaOptions(String options) {
        return new ServiceUnit(Arrays.asList(options.trim().split("\\s+")), environment);
    }
}
