package io.outpost.mqtt.broker.testing;

import io.outpost.testing.ExternalProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /** Starts a long-running peer (e.g. a subscriber); the caller closes it. */
    public static ExternalProcess start(String name, List<String> command) {
        return ExternalProcess.start(name, command, null);
    }

    /** Runs a peer to its end. */
    public static Result run(List<String> command, Duration timeout) {
        try (ExternalProcess p = ExternalProcess.start(command.get(0), command, null)) {
            int rc = p.waitFor(timeout);
            return new Result(rc, p.output());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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

    public static ExternalProcess startPaho(String name, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.add(script().toString());
        cmd.addAll(List.of(args));
        return ExternalProcess.start(name, cmd, null);
    }

    private static Path script() {
        return Path.of("src/test/python/paho_probe.py").toAbsolutePath();
    }
}
