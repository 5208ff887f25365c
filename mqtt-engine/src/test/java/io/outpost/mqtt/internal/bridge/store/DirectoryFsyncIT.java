package io.outpost.mqtt.internal.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, finding 16: every directory the store creates is flushed into its parent, watched with strace (the
 * system calls are the only observable: the effect shows only after a power cut). strace is one of the test peers
 * that scripts/test.sh installs.
 */
class DirectoryFsyncIT {

    private static final Pattern MKDIR = Pattern.compile("^\\d+ +mkdir\\(\"([^\"]+)\", \\d+\\) += 0");
    private static final Pattern OPEN = Pattern.compile("^\\d+ +openat\\(AT_FDCWD, \"([^\"]+)\", [^)]*\\) += (\\d+)");
    private static final Pattern FSYNC = Pattern.compile("^\\d+ +f(?:data)?sync\\((\\d+)\\) += 0");

    private static final Pattern UNFINISHED = Pattern.compile("^(\\d+) +(.*) <unfinished \\.\\.\\.>$");
    private static final Pattern RESUMED = Pattern.compile("^(\\d+) +<\\.\\.\\. \\w+ resumed>(.*)$");

    @TempDir
    Path tmp;

    /**
     * With several threads, strace splits a call that another thread interrupts into {@code <unfinished ...>} and
     * {@code <... call resumed>} lines (more often on a busy machine); put each call back on one line.
     */
    static List<String> joinInterruptedCalls(List<String> lines) {
        Map<String, String> started = new HashMap<>();
        List<String> calls = new ArrayList<>();
        for (String line : lines) {
            Matcher m;
            if ((m = UNFINISHED.matcher(line)).find()) {
                started.put(m.group(1), m.group(1) + " " + m.group(2));
            } else if ((m = RESUMED.matcher(line)).find() && started.containsKey(m.group(1))) {
                calls.add(started.remove(m.group(1)) + m.group(2));
            } else {
                calls.add(line);
            }
        }
        return calls;
    }

    @Test
    void the_store_and_class_directories_it_creates_are_flushed_into_their_parents() throws Exception {
        Path root = tmp.toRealPath();
        Path store = root.resolve("queue");
        Path trace = root.resolve("trace.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=mkdir,openat,fsync,fdatasync", "-o",
                trace.toString(), java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), DirectoryFsyncChild.class.getName(), store.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("child.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(root.resolve("child.txt"))).isZero();

        List<String> created = new ArrayList<>();
        List<String> flushed = new ArrayList<>();
        Map<String, String> openByFd = new HashMap<>();
        for (String line : joinInterruptedCalls(Files.readAllLines(trace))) {
            Matcher m;
            if ((m = MKDIR.matcher(line)).find()) {
                if (m.group(1).startsWith(root + "/")) {
                    created.add(m.group(1));
                }
            } else if ((m = OPEN.matcher(line)).find()) {
                openByFd.put(m.group(2), m.group(1));
            } else if ((m = FSYNC.matcher(line)).find() && openByFd.containsKey(m.group(1))) {
                String dir = openByFd.get(m.group(1));
                if (created.stream().anyMatch(c -> Path.of(c).getParent().toString().equals(dir))) {
                    flushed.add(dir);
                }
            }
        }
        assertThat(created).as("directories the store made: its class directory at least")
                .anyMatch(c -> c.startsWith(store + "/"));
        for (String dir : created) {
            assertThat(flushed).as("the parent of " + dir + " was flushed after it was made")
                    .contains(Path.of(dir).getParent().toString());
        }
    }

    @Test
    void strace_lines_that_another_thread_split_are_read_as_one_call() {
        assertThat(joinInterruptedCalls(List.of(
                "12 openat(AT_FDCWD, \"/q\", O_RDONLY|O_CLOEXEC <unfinished ...>",
                "13 fsync(4) = 0",
                "12 <... openat resumed>) = 5")))
                .containsExactly("13 fsync(4) = 0", "12 openat(AT_FDCWD, \"/q\", O_RDONLY|O_CLOEXEC) = 5")
                .anyMatch(line -> OPEN.matcher(line).find());
    }
}
