package io.outpost.adapter.modbus.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.testing.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import org.awaitility.Awaitility;

/** Two connected pseudo-terminals made by socat: a virtual serial cable between {@link #a()} and {@link #b()}. */
public final class SerialPair implements AutoCloseable {

    public static final String SOCAT = "/usr/bin/socat";

    private final ExternalProcess socat;
    private final Path a;
    private final Path b;

    private SerialPair(ExternalProcess socat, Path a, Path b) {
        this.socat = socat;
        this.a = a;
        this.b = b;
    }

    public static void assumeInstalled() {
        assumeTrue(ExternalProcess.available(SOCAT), SOCAT + " is not installed; install the Debian package socat");
    }

    public static SerialPair open(Path dir) {
        Path a = dir.resolve("ttyA");
        Path b = dir.resolve("ttyB");
        ExternalProcess p = ExternalProcess.start("socat", List.of(SOCAT, "pty,raw,echo=0,link=" + a,
                "pty,raw,echo=0,link=" + b), dir);
        try {
            Awaitility.await("socat's pseudo-terminals").atMost(Duration.ofSeconds(30))
                    .until(() -> !p.isAlive() || Files.exists(a) && Files.exists(b));
        } finally {
            if (!p.isAlive()) {
                p.close();
            }
        }
        if (!p.isAlive()) {
            throw new AssertionError("socat made no serial pair: " + p.output());
        }
        return new SerialPair(p, a, b);
    }

    /** The end the adapter opens. */
    public Path a() {
        return a;
    }

    /** The end the slave opens. */
    public Path b() {
        return b;
    }

    @Override
    public void close() {
        socat.close();
    }
}
