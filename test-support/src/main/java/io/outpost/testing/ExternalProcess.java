package io.outpost.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A peer program started by a test (mosquitto, a python script): its output lines are collected, and it is
 * killed (with its PID, never by name) when closed.
 */
public final class ExternalProcess implements AutoCloseable {

    /** How a finished program ended: its exit status and all it printed. */
    public record Result(int status, String output) {
    }

    private final Process process;
    private final String name;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ExternalProcess(Process process, String name) {
        this.process = process;
        this.name = name;
        reader = new Thread(this::collect, "peer-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    public static ExternalProcess start(String name, List<String> command, Path workDir) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            return new ExternalProcess(pb.start(), name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    /** True when a program of this name is on the PATH (or is an existing file). */
    public static boolean available(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private void collect() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // The stream closes when the process is killed; nothing is lost that a test could still read.
            lines.add("[" + name + " output closed: " + e.getMessage() + "]");
        }
    }

    public List<String> output() {
        return new ArrayList<>(lines);
    }

    /** Waits until an output line matches, or fails with the output so far. */
    public String awaitLine(Predicate<String> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String l : lines) {
                if (match.test(l)) {
                    return l;
                }
            }
            if (!process.isAlive()) {
                break;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError(name + ": no matching output line within " + timeout + "; output:\n" + String.join("\n", lines));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout + "; output:\n" + String.join("\n", lines));
        }
        // The last lines may still be in the pipe when the process is gone: read them before anyone looks. Bounded,
        // since a child the process left behind can hold the pipe open.
        reader.join(10_000);
        return process.exitValue();
    }

    /** Kills the process (and its children) abruptly, like a power cut or SIGKILL. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }
}
