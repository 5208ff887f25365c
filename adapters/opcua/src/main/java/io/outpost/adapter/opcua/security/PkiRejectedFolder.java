package io.outpost.adapter.opcua.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code rejected/} folder: every server certificate the gateway refused, named {@code CN [thumbprint].der} so
 * that a person can pick the right one and move it to {@code trusted/}. Keeps at most {@link #MAX_FILES}; the oldest
 * go first.
 */
final class PkiRejectedFolder implements CertificateQuarantine {

    private static final Logger LOG = LoggerFactory.getLogger(PkiRejectedFolder.class);
    static final int MAX_FILES = 128;

    private final Path dir;

    PkiRejectedFolder(Path dir) {
        this.dir = dir;
    }

    /** Where a refused certificate is (or would be) kept. */
    Path fileOf(X509Certificate certificate) {
        return dir.resolve(CertificateFiles.fileName(certificate));
    }

    @Override
    public List<X509Certificate> getRejectedCertificates() {
        List<X509Certificate> out = new ArrayList<>();
        for (Path file : files()) {
            try {
                out.addAll(CertificateFiles.readCertificates(file));
            } catch (IOException | CertificateException e) {
                LOG.debug("ignoring unreadable file {} in rejected/: {}", file, e.getMessage());
            }
        }
        return out;
    }

    @Override
    public synchronized void addRejectedCertificate(X509Certificate certificate) {
        Path file = fileOf(certificate);
        if (Files.exists(file)) {
            return;
        }
        List<Path> existing = files();
        for (int i = 0; i <= existing.size() - MAX_FILES; i++) {
            try {
                Files.deleteIfExists(existing.get(i));
            } catch (IOException e) {
                LOG.warn("cannot prune {}: {}", existing.get(i), e.getMessage());
            }
        }
        try {
            CertificateFiles.writeCertificate(file, certificate);
        } catch (IOException e) {
            LOG.error("cannot keep the refused certificate in {}: {}", file, e.getMessage());
        }
    }

    @Override
    public synchronized void removeRejectedCertificate(X509Certificate certificate) {
        try {
            Files.deleteIfExists(fileOf(certificate));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Oldest first. */
    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(CertificateFiles::isCertificateFile)
                    .sorted(Comparator.comparingLong(PkiRejectedFolder::modified)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
