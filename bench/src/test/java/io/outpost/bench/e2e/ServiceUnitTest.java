package io.outpost.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceUnitTest {

    @TempDir
    Path dir;

    @Test
    void readsTheJvmOptionsAndTheOtherVariables_quotedOrNot() throws Exception {
        Path unit = dir.resolve("outpost.service");
        Files.writeString(unit, """
                [Service]
                ExecStart=/opt/outpost/bin/outpost run /etc/outpost/outpost.yaml
                EnvironmentFile=-/etc/outpost/outpost.env
                Environment="OUTPOST_JAVA_OPTS=-Xms32m -Xmx256m -XX:+UseSerialGC"
                Environment=MALLOC_ARENA_MAX=2
                """);

        ServiceUnit u = ServiceUnit.read(unit);

        assertThat(u.javaOptions()).containsExactly("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC");
        assertThat(u.environment()).isEqualTo(Map.of("MALLOC_ARENA_MAX", "2"));
        assertThat(u.withJavaOptions(" -Xmx1g  -Dx=y ").javaOptions()).containsExactly("-Xmx1g", "-Dx=y");
    }

    @Test
    void findsTheShippedUnitFromAModuleDirectory() {
        ServiceUnit u = ServiceUnit.fromSourceTree(Path.of(""));

        assertThat(u.javaOptions()).anyMatch(o -> o.startsWith("-Xmx"));
    }
}
