package io.outpost.mqtt.internal.broker.testing;

import io.outpost.testing.ExternalProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * Independent MQTT clients from Debian: {@code mosquitto_pub}/{@code mosquitto_sub} (mosquitto-clients) and
 * python paho (python3-paho-mqtt, seen by {@code /usr/bin/python3} only). Tests skip with a message when a peer is
 * not installed.
 */
public final class Peers {

    public static final String PYTHON = "/usr/bin/python3";

    private Peers() {
    }

    /** The outcome of a finished peer: exit code and output lines. */
    public record Result(int exitCode, List<String> output) {
        public List<String> lines(String prefix) {
            return output.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    public static void assumeMosquittoClients() {
        Assumptions.assumeTrue(ExternalProcess.available("mosquitto_pub") && ExternalProcess.available("mosquitto_sub"),
                "mosquitto_pub/mosquitto_sub are not installed (Debian package mosquitto-clients)");
    }

    public static void assumePaho() {
        Assumptions.assumeTrue(ExternalProcess.available(PYTHON), PYTHON + " is not installed");
        Result r = run(List.of(PYTHON, "-c", "import paho.mqtt.client"), Duration.ofSeconds(30));
        Assumptions.assumeTrue(r.exitCode() == 0, "python paho is not installed (Debian package python3-paho-mqtt)");
    }

    /**
     * A peer started in the background (a subscriber that exits after its messages) whose whole output is read
     * when it ends, so that nothing printed just before the exit is missed.
     */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final CompletableFuture<String> output;
        private final String name;

        private Running(String name, List<String> command) {
            this.name = name;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
            }
            output = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = process.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        /** Waits until the peer exits and returns its exit code and every line it printed. */
        public Result finish(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(name + " did not finish within " + timeout);
                }
                String text = output.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return new Result(process.exitValue(), text.isEmpty() ? List.of() : List.of(text.split("\\R")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("cannot read the output of " + name, e);
            }
        }

        /** Kills the peer by its own PID if it is still running. */
        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /** Starts a peer in the background; {@link Running#finish} collects its output. */
    public static Running start(String name, List<String> command) {
        return new Running(name, command);
    }

    /** Starts the paho probe script in the background. */
    public static Running startPaho(String name, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.add(script().toString());
        cmd.addAll(List.of(args));
        return new Running(name, cmd);
    }

    /** Runs a peer to its end and returns all it printed. */
    public static Result run(List<String> command, Duration timeout) {
        try (Running r = new Running(command.get(0), command)) {
            return r.finish(timeout);
        }
    }

    /** Runs the paho probe script ({@code src/test/python/paho_probe.py}) with arguments. */
    public static Result paho(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.add(script().toString());
        cmd.addAll(List.of(args));
        return run(cmd, timeout);
    }

    private static Path script() {
        return Path.of("src/test/python/paho_probe.py").toAbsolutePath();
    }
}
