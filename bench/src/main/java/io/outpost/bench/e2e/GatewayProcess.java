package io.outpost.bench.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as users run it, {@code outpost run CONFIG}, in a JVM of its own, so that its CPU time and memory are
 * its own and it can be killed like a real process. Its output is appended to one log file across restarts.
 * Started, killed and stopped only by the thread that owns it.
 */
public final class GatewayProcess {

    private static final String LOGBACK = """
            <configuration>
              <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
              <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %-22logger{0} %msg%n</pattern></encoder>
              </appender>
              <logger name="io.netty" level="WARN"/>
              <logger name="com.ghgande.j2mod" level="WARN"/>
              <logger name="org.eclipse.milo" level="WARN"/>
              <logger name="com.serotonin.bacnet4j" level="WARN"/>
              <root level="INFO"><appender-ref ref="out"/></root>
            </configuration>
            """;

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;
    private long startedAtMillis;

    /**
     * @param classPath the gateway application's class path
     * @param jvmOptions what {@code OUTPOST_JAVA_OPTS} would hold (the systemd unit sets {@code -Xmx256m})
     * @param environment variables added to this process's environment (the unit's {@code MALLOC_ARENA_MAX})
     * @param config    the configuration file
     * @param log       where stdout and stderr are appended; a logback configuration is written beside it
     */
    public GatewayProcess(String classPath, List<String> jvmOptions, Map<String, String> environment, Path config,
                          Path log) {
        this.environment = Map.copyOf(environment);
        this.log = log;
        Path logback = log.resolveSibling("gateway-logback.xml");
        try {
            Files.writeString(logback, LOGBACK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.addAll(jvmOptions);
        c.add("-Dlogback.configurationFile=" + logback);
        c.add("-cp");
        c.add(classPath);
        c.add("io.outpost.app.Main");
        c.add("run");
        c.add(config.toString());
        this.command = List.copyOf(c);
    }

    /** Starts the gateway; returns at once (it is ready when its first message arrives upstream). */
    public void start() {
        if (isAlive()) {
            throw new IllegalStateException("the gateway is already running (pid " + process.pid() + ")");
        }
        try {
            startedAtMillis = System.currentTimeMillis();
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            b.environment().putAll(environment);
            process = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gateway: " + String.join(" ", command), e);
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Wall-clock time of the last {@link #start()}. */
    public long startedAtMillis() {
        return startedAtMillis;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed; what the page cache holds survives, as after a crash. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, as {@code systemctl stop}: the gateway closes in order; SIGKILL after 30 s. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    public Path log() {
        return log;
    }
}
