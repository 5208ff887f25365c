package io.outpost.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A mosquitto broker on a free loopback port, as an independent peer (Debian package {@code mosquitto}). Anonymous
 * access is allowed: it only listens on 127.0.0.1.
 */
public final class Mosquitto implements AutoCloseable {

    public static final String BINARY = "/usr/sbin/mosquitto";

    private final int port;
    private final ExternalProcess process;

    private Mosquitto(int port, ExternalProcess process) {
        this.port = port;
        this.process = process;
    }

    public static boolean installed() {
        return ExternalProcess.available(BINARY);
    }

    /** Starts mosquitto with extra config lines (e.g. {@code max_inflight_messages 5}); waits until it accepts. */
    public static Mosquitto start(Path dir, String... extraConfig) {
        return start(dir, FreePorts.tcp(), extraConfig);
    }

    public static Mosquitto start(Path dir, int port, String... extraConfig) {
        try {
            Files.createDirectories(dir);
            Path conf = dir.resolve("mosquitto-" + port + ".conf");
            StringBuilder text = new StringBuilder()
                    .append("listener ").append(port).append(" 127.0.0.1\n")
                    .append("allow_anonymous true\n")
                    .append("log_dest stdout\n")
                    .append("log_type error\nlog_type warning\nlog_type notice\n");
            for (String line : extraConfig) {
                text.append(line).append('\n');
            }
            Files.writeString(conf, text);
            ExternalProcess p = ExternalProcess.start("mosquitto-" + port, List.of(BINARY, "-c", conf.toString()), dir);
            Mosquitto m = new Mosquitto(port, p);
            m.awaitListening(Duration.ofSeconds(10));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    break;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new AssertionError("mosquitto did not listen on " + port + ": " + process.output());
    }

    public int port() {
        return port;
    }

    public ExternalProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
