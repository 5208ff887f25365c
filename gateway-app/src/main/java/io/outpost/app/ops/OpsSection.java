package io.outpost.app.ops;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigSection;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.config.Secret;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads {@code http:}. Loopback by default; on any other address it needs a username and password (or an explicit
 * {@code allow-anonymous: true}), since health, metrics and the point table describe the plant, and a password
 * needs TLS there.
 */
public final class OpsSection implements ConfigSection<OpsConfig> {

    @Override
    public String key() {
        return "http";
    }

    @Override
    public OpsConfig parse(ConfigNode node, GatewayIdentity gateway) {
        boolean enabled = node.bool("enabled", true);
        String bind = node.string("bind", "127.0.0.1");
        int port = node.integer("port", OpsConfig.DEFAULT_PORT, 1, 65_535);
        String username = node.string("username").orElse(null);
        Secret password = node.secret("password").orElse(null);
        boolean allowAnonymous = node.bool("allow-anonymous", false);
        if ((username == null) != (password == null)) {
            node.error(username == null ? "password" : "username", "username and password go together: give both or neither");
        }
        if (enabled && username == null && !allowAnonymous && !isLoopback(bind)) {
            node.error("bind", "the operations endpoint on " + bind + " is reachable from the network: set username and "
                    + "password, or allow-anonymous: true if something in front of it authenticates");
        }
        ConfigNode tls = node.mapping("tls");
        Path cert = tls.string("cert").map(Path::of).orElse(null);
        Path key = tls.string("key").map(Path::of).orElse(null);
        tls.rejectUnknownKeys();
        if ((cert == null) != (key == null)) {
            tls.error(cert == null ? "cert" : "key", "tls needs both cert and key (PEM files)");
        }
        checkReadable(tls, "cert", cert);
        checkReadable(tls, "key", key);
        if (enabled && username != null && cert == null && !isLoopback(bind)) {
            node.error("bind", "basic auth over plain HTTP on " + bind + " sends the password in clear on the network: "
                    + "set http.tls.cert and http.tls.key, or bind to 127.0.0.1 behind a TLS proxy");
        }
        List<String> allowedHosts = node.stringList("allowed-hosts");
        return new OpsConfig(enabled, bind, port, username, password, allowAnonymous, cert, key, allowedHosts);
    }

    private static void checkReadable(ConfigNode node, String key, Path file) {
        if (file != null && !Files.isReadable(file)) {
            node.error(key, "cannot read " + file);
        }
    }

    static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
