package io.outpost.mqtt.internal.bridge.testing;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.mqtt.bridge.config.UpstreamsConfig;
import io.outpost.mqtt.bridge.config.UpstreamsSection;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads bridge configurations the way a user writes them: YAML through the gateway's config loader. */
public final class BridgeConfigs {

    private BridgeConfigs() {
    }

    /** A whole gateway file with a data dir and the given {@code upstreams:} block (indented as at top level). */
    public static GatewayConfig gateway(Path dataDir, String upstreamsYaml, Map<String, String> env) throws ConfigException {
        String yaml = "gateway: {id: pump-station-7, site: north-field, data-dir: \"" + dataDir + "\"}\n" + upstreamsYaml;
        return loader(env).parse(yaml, dataDir.resolve("gateway.yaml"));
    }

    /** Loads a whole configuration file with only the bridge's section registered (no adapters). */
    public static GatewayConfig load(Path file) throws ConfigException {
        return loader(Map.of()).load(file);
    }

    private static ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(new AdapterCatalog(List.of()), List.of(new UpstreamsSection()), Set.of("json"),
                new Interpolator(env::get));
    }

    public static UpstreamsConfig upstreams(Path dataDir, String upstreamsYaml) {
        try {
            return gateway(dataDir, upstreamsYaml, Map.of()).section(UpstreamsSection.KEY, UpstreamsConfig.class).orElseThrow();
        } catch (ConfigException e) {
            throw new AssertionError("test config invalid: " + e.problems(), e);
        }
    }

    public static GatewayIdentity identity(Path dataDir) {
        return new GatewayIdentity("pump-station-7", "north-field", dataDir);
    }
}
