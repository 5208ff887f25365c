package io.outpost.adapter.modbus.testing;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigSection;
import io.outpost.core.config.GatewayIdentity;

/** Stands in for a section another module owns (broker, upstreams), accepting its keys unchecked. */
public record PassThroughSection(String key) implements ConfigSection<Object> {

    @Override
    public Object parse(ConfigNode node, GatewayIdentity gateway) {
        node.allowKeys(node.keys().toArray(String[]::new));
        return key;
    }
}
