package io.outpost.mqtt.bridge.config;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigSection;
import io.outpost.core.config.GatewayIdentity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code upstreams:} section (a list), found with {@link java.util.ServiceLoader}. Stateless. */
public final class UpstreamsSection implements ConfigSection<UpstreamsConfig> {

    public static final String KEY = "upstreams";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public boolean isList() {
        return true;
    }

    @Override
    public UpstreamsConfig parse(ConfigNode node, GatewayIdentity gateway) {
        UpstreamReader reader = new UpstreamReader(gateway);
        List<UpstreamConfig> upstreams = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, String> clientIds = new HashMap<>();
        for (ConfigNode item : node.items()) {
            reader.read(item).ifPresent(u -> {
                Integer first = names.putIfAbsent(u.name(), item.mark().line());
                if (first != null) {
                    item.error("name", "upstream '" + u.name() + "' is defined twice (first at line " + first
                            + "); names must be unique since each has its own queue");
                    return;
                }
                for (ServerUri server : u.servers()) {
                    String key = server.host() + ":" + server.port() + "/" + u.clientId();
                    String other = clientIds.putIfAbsent(key, u.name());
                    if (other != null) {
                        item.error("client-id", "upstreams '" + other + "' and '" + u.name() + "' would connect to "
                                + server + " with the same client id '" + u.clientId() + "' and take over each other's session");
                    }
                }
                upstreams.add(u);
            });
        }
        return new UpstreamsConfig(upstreams);
    }
}
