package io.outpost.mqtt.broker.config;

import io.outpost.core.config.Secret;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS of a {@code tls} or {@code wss} listener, from PEM files.
 *
 * @param clientCa              CA certificates that sign client certificates; null when clients are not asked for one
 * @param requireClientCert     refuse the handshake when the client presents no certificate signed by {@code clientCa}
 * @param identityAsUsername    a verified client certificate authenticates the client as its subject CN (no password)
 * @param keyPassword           password of an encrypted PKCS#8 key, or null
 */
public record ListenerTlsConfig(Path cert, Path key, Secret keyPassword, Path clientCa, boolean requireClientCert,
                        boolean identityAsUsername) {

    public ListenerTlsConfig {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        if (requireClientCert && clientCa == null) {
            throw new IllegalArgumentException("require-client-cert needs client-ca");
        }
    }
}
