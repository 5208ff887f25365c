package io.outpost.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole gateway configuration, loaded from one YAML file and validated once. Sections owned by other modules
 * (the broker, the upstreams, the HTTP endpoint) are held as the records their {@link ConfigSection} produced.
 */
public record GatewayConfig(
        Path file,
        GatewayIdentity gateway,
        PublishDefaults publish,
        List<DeviceConfig> devices,
        Map<String, Object> sections) {

    public GatewayConfig {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(publish, "publish");
        devices = List.copyOf(devices);
        sections = Map.copyOf(sections);
    }

    /** The record a registered section produced, e.g. {@code section("broker", BrokerConfig.class)}. */
    public <T> Optional<T> section(String key, Class<T> type) {
        return Optional.ofNullable(sections.get(key)).map(type::cast);
    }

    public Optional<DeviceConfig> device(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }
}
