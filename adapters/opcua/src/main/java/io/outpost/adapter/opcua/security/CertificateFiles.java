package io.outpost.adapter.opcua.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reading and writing certificates (PEM or DER) and PKCS#8 private keys, atomically and with tight permissions. */
public final class CertificateFiles {

    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";

    private CertificateFiles() {
    }

    /** The certificates in a PEM or DER file; a chain when it holds several. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, CertificateException {
        try (var in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        }
    }

    /** An unencrypted PKCS#8 private key (RSA or EC), PEM ({@code BEGIN PRIVATE KEY}) or DER. */
    public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (text.contains("BEGIN ENCRYPTED PRIVATE KEY") || text.contains("BEGIN RSA PRIVATE KEY")) {
            throw new GeneralSecurityException(file + " must be an unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert "
                    + "it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem");
        }
        int begin = text.indexOf(KEY_BEGIN);
        if (begin >= 0) {
            int end = text.indexOf(KEY_END, begin);
            String base64 = text.substring(begin + KEY_BEGIN.length(), end < 0 ? text.length() : end);
            bytes = Base64.getMimeDecoder().decode(base64);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(bytes);
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException tryNext) {
                // Not this algorithm: the next one is tried, and the last failure is reported below.
                continue;
            }
        }
        throw new GeneralSecurityException(file + " holds no RSA or EC private key in PKCS#8 form");
    }

    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        String pem = KEY_BEGIN + "\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n" + KEY_END + "\n";
        writeAtomically(file, pem.getBytes(StandardCharsets.US_ASCII), true);
    }

    public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        try {
            writeAtomically(file, certificate.getEncoded(), false);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** The SHA-1 thumbprint as OPC UA tools show it: lower-case hex of the DER encoding. */
    public static String thumbprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }

    /** A file name a person recognizes: the certificate's common name and its thumbprint. */
    public static String fileName(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        String cn = "certificate";
        for (String part : subject.split(",")) {
            String p = part.trim();
            if (p.toUpperCase(Locale.ROOT).startsWith("CN=")) {
                cn = p.substring(3);
                break;
            }
        }
        String safe = cn.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return (safe.isEmpty() ? "certificate" : safe) + " [" + thumbprint(certificate) + "].der";
    }

    static boolean isCertificateFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".der") || name.endsWith(".pem") || name.endsWith(".crt") || name.endsWith(".cer");
    }

    /**
     * Writes through a temporary file renamed into place. A secret is created owner-only from its first byte (the
     * mode is given to open(2), never changed after), so no other user can open it in between.
     */
    private static void writeAtomically(Path file, byte[] content, boolean secret) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        boolean posix = Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null;
        FileAttribute<?>[] mode = secret && posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
