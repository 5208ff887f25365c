package io.outpost.mqtt.internal.bridge.testing;

import io.outpost.testing.ExternalProcess;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away PKI made with the openssl command (Debian package openssl): a CA, a server certificate for
 * 127.0.0.1 / localhost / iot.example.com, a client certificate (PKCS#8 key and the same key as PKCS#1 RSA, as AWS
 * IoT hands them out), and a second CA that signed nothing the server uses.
 */
public record TestCertificates(Path dir) {

    public static boolean opensslInstalled() {
        return ExternalProcess.available("openssl");
    }

    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:iot.example.com\n");
        run(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Outpost Test CA");
        run(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=Someone Else");
        run(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        run(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
        run(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=pump-station-7");
        run(dir, "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.pem", "-days", "2");
        run(dir, "rsa", "-in", "client.key", "-traditional", "-out", "client-pkcs1.key");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new TestCertificates(dir);
    }

    private static void run(Path dir, String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try (ExternalProcess p = ExternalProcess.start("openssl", command, dir)) {
            int exit = p.waitFor(Duration.ofSeconds(60));
            if (exit != 0) {
                throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + p.output());
            }
        }
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** mosquitto listener lines for TLS with client certificates required. */
    public String[] mosquittoMutualTls() {
        return new String[] {"cafile " + file("ca.pem"), "certfile " + file("server.pem"), "keyfile " + file("server.key"),
            "require_certificate true", "use_identity_as_username true"};
    }
}
