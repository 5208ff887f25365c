package io.outpost.core.config.load;

import io.outpost.core.config.Identifiers;
import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.GatewayIdentity;
import java.nio.file.Path;

/** Reads the {@code gateway:} section. */
final class GatewayReader {

    private final Path configFile;

    GatewayReader(Path configFile) {
        this.configFile = configFile;
    }

    GatewayIdentity read(ConfigNode node) {
        String id = node.requiredString("id").orElse("gateway");
        Identifiers.check(node, "id", id);
        String site = node.string("site").orElse(id);
        Identifiers.check(node, "site", site);
        return new GatewayIdentity(id, site, dataDir(node));
    }

    /**
     * A relative data directory is taken relative to the config file's folder, so that a config and its data move
     * together; the default is systemd's StateDirectory when set, else /var/lib/outpost.
     */
    private Path dataDir(ConfigNode node) {
        String fallback = System.getenv("STATE_DIRECTORY");
        String text = node.string("data-dir").orElse(fallback != null && !fallback.isBlank() ? fallback : "/var/lib/outpost");
        Path path = Path.of(text);
        if (!path.isAbsolute()) {
            Path base = configFile.toAbsolutePath().getParent();
            path = base == null ? path.toAbsolutePath() : base.resolve(path);
        }
        return path.normalize();
    }
}
