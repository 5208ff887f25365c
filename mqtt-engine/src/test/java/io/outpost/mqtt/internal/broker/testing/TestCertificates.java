package io.outpost.mqtt.internal.broker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.testing.ExternalProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away PKI made with {@code openssl} (Debian package openssl) in a test's temporary directory: a CA, a
 * server certificate for 127.0.0.1/localhost and client certificates, all P-256 and valid for two days.
 */
public final class TestCertificates {

    public final Path dir;
    public final Path ca;
    public final Path serverCert;
    public final Path serverKey;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.ca = dir.resolve("ca.pem");
        this.serverCert = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server.key");
    }

    public static TestCertificates create(Path dir) {
        Assumptions.assumeTrue(ExternalProcess.available("openssl"),
                "openssl is not installed (Debian package openssl); TLS tests skipped");
        TestCertificates c = new TestCertificates(dir);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            c.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=outpost-test-ca");
            c.issue("server", "localhost", "server.ext");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    /** Issues a client certificate with subject CN {@code cn}; returns {cert, key}. */
    public Path[] client(String cn) {
        issue(cn, cn, null);
        return new Path[] {dir.resolve(cn + ".pem"), dir.resolve(cn + ".key")};
    }

    private void issue(String name, String cn, String ext) {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + cn);
        if (ext == null) {
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".pem", "-days", "2");
        } else {
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".pem", "-days", "2", "-extfile", ext);
        }
    }

    private void openssl(String... args) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        try (ExternalProcess p = ExternalProcess.start("openssl", cmd, dir)) {
            int rc = p.waitFor(Duration.ofSeconds(60));
            assertThat(rc).as("openssl %s: %s", String.join(" ", args), p.output()).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
