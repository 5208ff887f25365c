package io.outpost.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Who this gateway is: {@code id} names it in topics, client ids and status messages; {@code site} is the first
 * topic level by default; {@code dataDir} holds everything that must survive a restart (queues, sessions, keys).
 */
public record GatewayIdentity(String id, String site, Path dataDir) {

    public GatewayIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(dataDir, "dataDir");
    }
}
