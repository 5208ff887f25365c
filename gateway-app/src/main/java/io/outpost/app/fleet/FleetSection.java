package io.outpost.app.fleet;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigSection;
import io.outpost.core.config.GatewayIdentity;
import java.nio.file.Path;
import java.time.Duration;

/** Reads {@code fleet:}. Present means enabled (unless {@code enabled: false}); absent means no fleet. */
public final class FleetSection implements ConfigSection<FleetConfig> {

    public static final String KEY = "fleet";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public FleetConfig parse(ConfigNode node, GatewayIdentity gateway) {
        if (node.isMissing()) {
            return FleetConfig.DISABLED;
        }
        boolean enabled = node.bool("enabled", true);
        String upstream = node.string("upstream").orElse(null);
        String prefix = node.string("prefix", FleetConfig.DEFAULT_PREFIX);
        if (!prefix.endsWith("/") || prefix.startsWith("/") || prefix.contains("+") || prefix.contains("#")
                || prefix.startsWith("$")) {
            node.error("prefix", "must end with '/', must not start with '/' or '$' and has no wildcards, found \""
                    + prefix + "\"");
        }
        if (!prefix.contains("{gateway}")) {
            node.error("prefix", "must name the gateway ({gateway}): every gateway of the fleet needs topics of its own");
        }
        String clientId = node.string("client-id").orElse(null);
        Path keys = node.resolvePath(node.string("trusted-keys", "trusted-keys"));
        Duration grace = node.duration("grace-period", Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofHours(1));
        int keep = node.integer("keep-configs", 10, 1, 1000);
        Duration birth = node.duration("birth-min-interval", Duration.ofSeconds(10), Duration.ZERO, Duration.ofHours(1));
        int subscribeQos = node.integer("subscribe-qos", 1, 0, 1);
        ConfigNode commands = node.mapping("commands");
        boolean commandsEnabled = commands.bool("enabled", true);
        Duration maxAge = commands.duration("max-age", FleetConfig.DEFAULT_COMMAND_MAX_AGE, Duration.ofSeconds(10),
                Duration.ofHours(24));
        boolean discovery = commands.bool("discovery", false);
        commands.rejectUnknownKeys();
        return new FleetConfig(enabled, upstream, prefix, clientId, keys, grace, keep, birth, commandsEnabled,
                subscribeQos, maxAge, discovery);
    }
}
