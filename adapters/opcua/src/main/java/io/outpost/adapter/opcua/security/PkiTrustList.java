package io.outpost.adapter.opcua.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.TrustListManager;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust list in two folders: {@code trusted/} (server certificates and CA certificates the gateway trusts,
 * {@code .der .pem .crt .cer}, and the CAs' {@code .crl} files) and {@code issuers/} (intermediate CA certificates
 * and their CRLs, needed to build a chain but not trusted by themselves). Milo checks certificates on its network
 * threads, which must not touch the disk, so the getters answer from a snapshot that {@link #refresh()} (on an IO
 * thread) re-reads before every connection attempt and after every refusal: a file moved into {@code trusted/} counts
 * at the next attempt, without a restart. Thread-safe.
 */
final class PkiTrustList implements TrustListManager {

    private static final Logger LOG = LoggerFactory.getLogger(PkiTrustList.class);

    private final Path trusted;
    private final Path issuers;

    private record Snapshot(List<X509Certificate> trusted, List<X509CRL> trustedCrls, List<X509Certificate> issuers,
                            List<X509CRL> issuerCrls) {
    }

    private volatile Snapshot snapshot = new Snapshot(List.of(), List.of(), List.of(), List.of());

    PkiTrustList(Path trusted, Path issuers) {
        this.trusted = trusted;
        this.issuers = issuers;
    }

    /** Reads the folders again. Blocks on the disk: IO threads only. */
    void refresh() {
        snapshot = new Snapshot(certificates(trusted), crls(trusted), certificates(issuers), crls(issuers));
    }

    @Override
    public List<X509CRL> getIssuerCrls() {
        return snapshot.issuerCrls();
    }

    @Override
    public List<X509CRL> getTrustedCrls() {
        return snapshot.trustedCrls();
    }

    @Override
    public List<X509Certificate> getIssuerCertificates() {
        return snapshot.issuers();
    }

    @Override
    public List<X509Certificate> getTrustedCertificates() {
        return snapshot.trusted();
    }

    @Override
    public void setIssuerCrls(List<X509CRL> issuerCrls) {
        replaceCrls(issuers, issuerCrls);
        refresh();
    }

    @Override
    public void setTrustedCrls(List<X509CRL> trustedCrls) {
        replaceCrls(trusted, trustedCrls);
        refresh();
    }

    @Override
    public void setIssuerCertificates(List<X509Certificate> issuerCertificates) {
        replaceCertificates(issuers, issuerCertificates);
        refresh();
    }

    @Override
    public void setTrustedCertificates(List<X509Certificate> trustedCertificates) {
        replaceCertificates(trusted, trustedCertificates);
        refresh();
    }

    @Override
    public void addIssuerCertificate(X509Certificate certificate) {
        write(issuers, certificate);
        refresh();
    }

    @Override
    public void addTrustedCertificate(X509Certificate certificate) {
        write(trusted, certificate);
        refresh();
    }

    @Override
    public boolean removeIssuerCertificate(ByteString thumbprint) {
        boolean removed = remove(issuers, thumbprint);
        refresh();
        return removed;
    }

    @Override
    public boolean removeTrustedCertificate(ByteString thumbprint) {
        boolean removed = remove(trusted, thumbprint);
        refresh();
        return removed;
    }

    @Override
    public DateTime getLastUpdateTime() {
        try {
            long newest = Math.max(Files.getLastModifiedTime(trusted).toMillis(),
                    Files.getLastModifiedTime(issuers).toMillis());
            return new DateTime(java.time.Instant.ofEpochMilli(newest));
        } catch (IOException e) {
            // An unreadable folder has no update time; the next connection attempt fails and reports the cause.
            return DateTime.MIN_VALUE;
        }
    }

    private static List<X509Certificate> certificates(Path dir) {
        List<X509Certificate> out = new ArrayList<>();
        for (Path file : files(dir)) {
            if (CertificateFiles.isCertificateFile(file)) {
                try {
                    out.addAll(CertificateFiles.readCertificates(file));
                } catch (IOException | CertificateException e) {
                    LOG.warn("ignoring {}: not a readable certificate ({})", file, e.getMessage());
                }
            }
        }
        return out;
    }

    private static List<X509CRL> crls(Path dir) {
        List<X509CRL> out = new ArrayList<>();
        for (Path file : files(dir)) {
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".crl")) {
                try (InputStream in = Files.newInputStream(file)) {
                    CertificateFactory.getInstance("X.509").generateCRLs(in)
                            .forEach(c -> out.add((X509CRL) c));
                } catch (IOException | CertificateException | CRLException e) {
                    LOG.warn("ignoring {}: not a readable CRL ({})", file, e.getMessage());
                }
            }
        }
        return out;
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static void write(Path dir, X509Certificate certificate) {
        try {
            CertificateFiles.writeCertificate(dir.resolve(CertificateFiles.fileName(certificate)), certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void replaceCertificates(Path dir, List<X509Certificate> certificates) {
        for (Path file : files(dir)) {
            if (CertificateFiles.isCertificateFile(file)) {
                delete(file);
            }
        }
        certificates.forEach(c -> write(dir, c));
    }

    private static void replaceCrls(Path dir, List<X509CRL> crls) {
        for (Path file : files(dir)) {
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".crl")) {
                delete(file);
            }
        }
        for (int i = 0; i < crls.size(); i++) {
            try {
                Files.write(dir.resolve("crl-" + i + ".crl"), crls.get(i).getEncoded());
            } catch (IOException | CRLException e) {
                throw new IllegalStateException("cannot write a CRL to " + dir, e);
            }
        }
    }

    private static boolean remove(Path dir, ByteString thumbprint) {
        boolean removed = false;
        for (Path file : files(dir)) {
            if (!CertificateFiles.isCertificateFile(file)) {
                continue;
            }
            try {
                for (X509Certificate c : CertificateFiles.readCertificates(file)) {
                    if (CertificateUtil.thumbprint(c).equals(thumbprint)) {
                        delete(file);
                        removed = true;
                    }
                }
            } catch (IOException | CertificateException | UaException e) {
                LOG.warn("skipping {} while removing a certificate: {}", file, e.getMessage());
            }
        }
        return removed;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
