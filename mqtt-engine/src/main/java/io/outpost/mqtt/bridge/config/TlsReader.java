package io.outpost.mqtt.bridge.config;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Reads an upstream's {@code tls:} mapping and checks that the files it names are readable PEM files. */
final class TlsReader {

    /** Reads the mapping; a missing one gives {@link UpstreamTlsConfig#DEFAULT} (every key is still asked for). */
    UpstreamTlsConfig read(ConfigNode node) {
        Path ca = pemFile(node, "ca", "CERTIFICATE");
        Path cert = pemFile(node, "cert", "CERTIFICATE");
        Path key = pemFile(node, "key", "PRIVATE KEY");
        Secret keyPassword = node.secret("key-password").orElse(null);
        String sni = node.string("sni").orElse(null);
        List<String> alpn = node.stringList("alpn");
        boolean verifyHostname = node.bool("verify-hostname", true);
        node.rejectUnknownKeys();
        if (cert != null && key == null && !node.has("key")) {
            node.missing("key", "the private key of the client certificate (PEM)");
        }
        if (key != null && cert == null && !node.has("cert")) {
            node.missing("cert", "the client certificate (PEM) that goes with the key");
        }
        if ((cert == null) != (key == null)) {
            return new UpstreamTlsConfig(ca, null, null, null, sni, alpn, verifyHostname);
        }
        return new UpstreamTlsConfig(ca, cert, key, keyPassword, sni, alpn, verifyHostname);
    }

    /** A readable file holding a PEM block of the given kind; reported and null otherwise. */
    private static Path pemFile(ConfigNode node, String key, String kind) {
        String text = node.string(key).orElse(null);
        if (text == null) {
            return null;
        }
        Path path = node.resolvePath(text);
        String content;
        try {
            content = Files.readString(path, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            node.error(key, "cannot read " + path + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
            return null;
        }
        if (!content.contains("-----BEGIN ") || !content.contains(kind + "-----")) {
            node.error(key, path + " is not a PEM file holding a " + kind.toLowerCase(Locale.ROOT)
                    + " (-----BEGIN ..." + kind + "-----)");
            return null;
        }
        return path;
    }
}
