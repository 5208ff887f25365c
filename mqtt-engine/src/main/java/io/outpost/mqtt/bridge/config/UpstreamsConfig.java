package io.outpost.mqtt.bridge.config;

import java.util.List;
import java.util.Optional;

/** The {@code upstreams:} section: every cloud broker the gateway forwards to, in file order. */
public record UpstreamsConfig(List<UpstreamConfig> upstreams) {

    public static final UpstreamsConfig NONE = new UpstreamsConfig(List.of());

    public UpstreamsConfig {
        upstreams = List.copyOf(upstreams);
    }

    public Optional<UpstreamConfig> upstream(String name) {
        return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
    }
}
