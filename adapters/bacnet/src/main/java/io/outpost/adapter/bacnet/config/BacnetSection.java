package io.outpost.adapter.bacnet.config;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigSection;
import io.outpost.core.config.GatewayIdentity;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code bacnet:} section: the gateway's local BACnet device (instance, name, UDP port, bind and
 * broadcast addresses), an optional BBMD registration and the confirmed-request timing. Every key has a default,
 * so a configuration with BACnet devices needs no section at all on a flat network.
 */
public final class BacnetSection implements ConfigSection<BacnetNetworkConfig> {

    public static final String KEY = "bacnet";

    /**
     * Default instances fall in this top range, derived from the gateway id, so that two gateways of one site
     * with default settings do not claim the same instance.
     */
    static final int DEFAULT_INSTANCE_BASE = 4_190_000;

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public BacnetNetworkConfig parse(ConfigNode node, GatewayIdentity gateway) {
        int instance = node.integer("device-instance", defaultInstance(gateway.id()), 0, BacnetNames.MAX_INSTANCE);
        String name = node.string("device-name", "outpost-" + gateway.id());
        if (name.isBlank() || name.length() > 64) {
            node.error("device-name", "must be 1 to 64 characters, found '" + name + "'");
            name = "outpost-" + gateway.id();
        }
        int port = node.integer("port", BacnetNetworkConfig.DEFAULT_PORT, 1, 65535);
        String bind = ipv4(node, "bind", "0.0.0.0");
        String broadcast = ipv4(node, "broadcast", "255.255.255.255");
        BacnetNetworkConfig.BbmdRegistration bbmd = node.has("bbmd") ? bbmd(node.mapping("bbmd")) : null;
        Duration apduTimeout = node.duration("apdu-timeout", Duration.ofSeconds(3), Duration.ofMillis(100),
                Duration.ofMinutes(1));
        int retries = node.integer("apdu-retries", 1, 0, 10);
        return new BacnetNetworkConfig(instance, name, bind, port, broadcast, bbmd, apduTimeout, retries);
    }

    static int defaultInstance(String gatewayId) {
        return DEFAULT_INSTANCE_BASE + Math.floorMod(gatewayId.hashCode(), BacnetNames.MAX_INSTANCE - DEFAULT_INSTANCE_BASE + 1);
    }

    private static BacnetNetworkConfig.BbmdRegistration bbmd(ConfigNode node) {
        Optional<String> address = node.requiredString("address");
        address.filter(a -> !BacnetSettingsReader.isHost(a))
                .ifPresent(a -> node.error("address", "expected an IPv4 address or host name of the BBMD, found '" + a + "'"));
        int port = node.integer("port", BacnetNetworkConfig.DEFAULT_PORT, 1, 65535);
        // The registration lives ttl plus 30 s on the BBMD; bacnet4j renews it 30 s before the ttl runs out.
        Duration ttl = node.duration("ttl", Duration.ofMinutes(5), Duration.ofSeconds(45), Duration.ofSeconds(65_535));
        node.rejectUnknownKeys();
        return new BacnetNetworkConfig.BbmdRegistration(address.orElse("0.0.0.0"), port, ttl);
    }

    private static String ipv4(ConfigNode node, String key, String defaultValue) {
        String value = node.string(key, defaultValue);
        if (!IPV4.matcher(value).matches()) {
            node.error(key, "expected an IPv4 address such as " + defaultValue + ", found '" + value + "'");
            return defaultValue;
        }
        return value;
    }
}
