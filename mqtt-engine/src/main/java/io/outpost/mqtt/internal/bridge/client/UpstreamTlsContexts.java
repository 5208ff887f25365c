package io.outpost.mqtt.internal.bridge.client;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.outpost.mqtt.bridge.config.UpstreamTlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Builds the client TLS context of an upstream from PEM files: the CA bundle to trust (or the JVM's), the client
 * certificate and key for mutual TLS, ALPN and hostname verification. Keys may be PKCS#8 (plain or encrypted) or
 * PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}, as AWS IoT Core issues them).
 */
public final class UpstreamTlsContexts {

    private static final String PKCS1_BEGIN = "-----BEGIN RSA PRIVATE KEY-----";
    private static final String PKCS1_END = "-----END RSA PRIVATE KEY-----";

    private UpstreamTlsContexts() {
    }

    /** @throws IOException naming the file that is unreadable or not what it should be */
    public static SslContext client(UpstreamTlsConfig tls) throws IOException {
        SslContextBuilder b = SslContextBuilder.forClient();
        if (tls.ca() != null) {
            b.trustManager(tls.ca().toFile());
        }
        if (tls.cert() != null) {
            String key = Files.readString(tls.key(), StandardCharsets.US_ASCII);
            if (key.contains(PKCS1_BEGIN)) {
                b.keyManager(pkcs1RsaKey(key, tls.key().toString()), certificates(tls.cert()));
            } else if (key.contains("-----BEGIN EC PRIVATE KEY-----")) {
                throw new IOException(tls.key() + " is an SEC1 EC key; convert it to PKCS#8 with "
                        + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
            } else {
                b.keyManager(tls.cert().toFile(), tls.key().toFile(),
                        tls.keyPassword() == null ? null : tls.keyPassword().reveal());
            }
        }
        if (!tls.alpn().isEmpty()) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, tls.alpn()));
        }
        b.endpointIdentificationAlgorithm(tls.verifyHostname() ? "HTTPS" : null);
        try {
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot set up TLS from the files in the configuration: " + e.getMessage(), e);
        }
    }

    private static X509Certificate[] certificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return certs.toArray(X509Certificate[]::new);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    /** Reads a PKCS#1 RSA key by wrapping it into the PKCS#8 structure the JDK reads. */
    private static PrivateKey pkcs1RsaKey(String pem, String file) throws IOException {
        int from = pem.indexOf(PKCS1_BEGIN) + PKCS1_BEGIN.length();
        int to = pem.indexOf(PKCS1_END, from);
        if (to < 0) {
            throw new IOException(file + ": the RSA key's END line is missing");
        }
        byte[] pkcs1;
        try {
            pkcs1 = Base64.getMimeDecoder().decode(pem.substring(from, to));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the RSA key is not valid base64", e);
        }
        // PrivateKeyInfo ::= SEQUENCE { INTEGER 0, SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }, OCTET STRING pkcs1 }
        byte[] algorithm = {0x30, 0x0D, 0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(0x30, body)));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a valid RSA private key: " + e.getMessage(), e);
        }
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 128 ? new byte[] {(byte) n}
                : n < 256 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 65_536 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }
}
