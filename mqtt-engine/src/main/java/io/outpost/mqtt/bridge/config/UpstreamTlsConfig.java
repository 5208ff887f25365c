package io.outpost.mqtt.bridge.config;

import io.outpost.core.config.Secret;
import java.nio.file.Path;
import java.util.List;

/**
 * TLS settings of an upstream's {@code mqtts://} servers.
 *
 * @param ca             PEM bundle of trusted CAs, or null for the JVM's default trust store
 * @param cert           PEM client certificate chain for mutual TLS, or null
 * @param key            PEM private key of {@code cert} (PKCS#8, or PKCS#1 RSA as AWS IoT issues), or null
 * @param keyPassword    password of an encrypted PKCS#8 key, or null
 * @param sni            server name sent in the TLS handshake, or null for the server URI's host
 * @param alpn           ALPN protocols offered (AWS IoT on port 443 needs {@code x-amzn-mqtt-ca}); empty for none
 * @param verifyHostname whether the server certificate must name the host (or {@code sni}); keep it on
 */
public record UpstreamTlsConfig(Path ca, Path cert, Path key, Secret keyPassword, String sni, List<String> alpn,
                        boolean verifyHostname) {

    public static final UpstreamTlsConfig DEFAULT = new UpstreamTlsConfig(null, null, null, null, null, List.of(), true);

    public UpstreamTlsConfig {
        alpn = List.copyOf(alpn);
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("cert and key go together");
        }
    }
}
