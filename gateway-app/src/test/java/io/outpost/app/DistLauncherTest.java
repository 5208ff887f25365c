package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed launcher ({@code src/dist/bin/outpost}) run by {@code sh} against a stand-in JDK whose {@code java}
 * prints its arguments: the unit's {@code -XX:TrimNativeHeapInterval} reaches a JVM that knows it and is left out
 * for one that would refuse to start with it.
 */
class DistLauncherTest {

    private static final Path LAUNCHER = Path.of("src/dist/bin/outpost").toAbsolutePath();
    private static final String UNIT_OPTS = "-Xmx256m -XX:TrimNativeHeapInterval=10000 -XX:+UseSerialGC";

    @TempDir
    Path dir;

    private String launch(String javaVersion) throws IOException, InterruptedException {
        Path jdk = dir.resolve("jdk-" + javaVersion);
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + javaVersion + "\"\n");
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"java $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("sh", LAUNCHER.toString(), "version").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().put("OUTPOST_JAVA_OPTS", UNIT_OPTS);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void a_jvm_that_knows_native_heap_trimming_gets_the_units_option() throws Exception {
        for (String version : new String[] {"17.0.9", "17.0.15", "21.0.2", "23"}) {
            assertThat(launch(version)).as(version)
                    .contains("java -Xmx256m -XX:TrimNativeHeapInterval=10000 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError")
                    .doesNotContain("cannot trim");
        }
    }

    @Test
    void an_older_jvm_runs_without_it_and_the_launcher_says_so() throws Exception {
        for (String version : new String[] {"17.0.8", "17", "20.0.2", "21"}) {
            String out = launch(version);
            assertThat(out).as(version)
                    .contains("Java " + version + " cannot trim its native heap")
                    .contains("-Xmx256m")
                    .contains("-XX:+UseSerialGC")
                    .doesNotContain("TrimNativeHeapInterval=");
        }
    }
}
