package io.outpost.adapter.opcua.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, finding 17: the gateway's private key is created owner-only by the open(2) that creates it, never
 * created readable and narrowed afterwards (which leaves a window in which another user can open it). Watched
 * with strace, one of the test peers scripts/test.sh installs.
 */
class PrivateKeyModeIT {

    @TempDir
    Path tmp;

    @Test
    void the_private_key_file_is_created_0600_and_its_mode_is_never_changed_after() throws Exception {
        Path root = tmp.toRealPath();
        Path key = root.resolve("own/private/gateway-key.pem");
        Path trace = root.resolve("trace.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=openat,open,creat,chmod,fchmod,fchmodat",
                "-o", trace.toString(), java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), PrivateKeyWriter.class.getName(), key.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("child.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(root.resolve("child.txt"))).isZero();

        String keyDir = key.getParent().toString();
        List<String> calls = Files.readAllLines(trace).stream().filter(l -> l.contains(keyDir + "/")).toList();
        assertThat(calls).as("the key was written").anyMatch(l -> l.contains("O_CREAT"));
        assertThat(calls.stream().filter(l -> l.contains("O_CREAT")))
                .as("every file created for the key is created 0600").allMatch(l -> l.matches(".*, 0600\\) = \\d+$"));
        assertThat(calls).as("no mode change after creation").noneMatch(l -> l.matches("^\\d+ +(f?chmod|fchmodat).*"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }
}
