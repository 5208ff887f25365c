package io.outpost.mqtt.internal.broker.listener;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.outpost.mqtt.broker.config.ListenerTlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/** Builds a listener's server TLS context from PEM files (TLS 1.2 and 1.3 only). */
final class ListenerTlsContexts {

    private ListenerTlsContexts() {
    }

    static SslContext server(String listener, ListenerTlsConfig tls) throws IOException {
        check(listener, "cert", tls.cert());
        check(listener, "key", tls.key());
        if (tls.clientCa() != null) {
            check(listener, "client-ca", tls.clientCa());
        }
        try {
            SslContextBuilder b = SslContextBuilder.forServer(tls.cert().toFile(), tls.key().toFile(),
                            tls.keyPassword() == null ? null : tls.keyPassword().reveal())
                    .protocols("TLSv1.3", "TLSv1.2");
            if (tls.clientCa() != null) {
                b.trustManager(tls.clientCa().toFile())
                        .clientAuth(tls.requireClientCert() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("listener " + listener + ": cannot use the TLS certificate or key ("
                    + tls.cert() + ", " + tls.key() + "): " + e.getMessage(), e);
        }
    }

    private static void check(String listener, String key, Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("listener " + listener + ": tls." + key + " " + file + " does not exist or is not readable");
        }
    }
}
