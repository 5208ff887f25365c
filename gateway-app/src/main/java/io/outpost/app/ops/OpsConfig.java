package io.outpost.app.ops;

import io.outpost.core.config.Secret;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code http:} section: the operations endpoint (health, metrics, JSON API, web console).
 *
 * @param username basic-auth user, or null for none (allowed only on loopback unless {@code allowAnonymous})
 * @param tlsCert  PEM certificate chain for HTTPS, or null for plain HTTP
 * @param allowedHosts host names (besides IP literals, localhost and this machine's names) that requests may give
 *                     in their {@code Host} header
 */
public record OpsConfig(boolean enabled, String bind, int port, String username, Secret password,
                        boolean allowAnonymous, Path tlsCert, Path tlsKey, List<String> allowedHosts) {

    public static final int DEFAULT_PORT = 8480;

    public OpsConfig {
        allowedHosts = List.copyOf(allowedHosts);
    }

    public boolean requiresAuth() {
        return username != null;
    }
}
