package io.outpost.core.config.load;

import io.outpost.core.config.BackoffReader;
import io.outpost.core.config.Identifiers;
import io.outpost.core.config.BackoffConfig;
import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.DidYouMean;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.PublishDefaults;
import io.outpost.core.config.TopicTemplate;
import io.outpost.core.logic.units.UnitCatalog;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.spi.AdapterFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one entry of {@code devices:}, handing the protocol's keys to its adapter factory. */
final class DeviceReader {

    static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_INTERVAL = Duration.ofDays(1);
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private final AdapterCatalog adapters;
    private final GatewayIdentity gateway;
    private final PublishDefaults publish;
    private final java.util.Set<String> formatNames;
    private final UnitCatalog units;

    DeviceReader(AdapterCatalog adapters, GatewayIdentity gateway, PublishDefaults publish, java.util.Set<String> formatNames,
                 UnitCatalog units) {
        this.units = units;
        this.adapters = adapters;
        this.gateway = gateway;
        this.publish = publish;
        this.formatNames = formatNames;
    }

    Optional<DeviceConfig> read(ConfigNode node) {
        if (!node.isMapping()) {
            node.error("a device is a mapping with at least id:, protocol: and points:");
            return Optional.empty();
        }
        String id = node.requiredString("id").orElse("");
        boolean idOk = !id.isEmpty() && Identifiers.check(node, "id", id);
        Optional<String> protocol = node.string("protocol");
        if (protocol.isEmpty() && !node.has("protocol")) {
            node.missing("protocol", "available: " + String.join(", ", adapters.protocols()));
        }
        Optional<AdapterFactory<?, ?>> factory = protocol.flatMap(p -> {
            Optional<AdapterFactory<?, ?>> f = adapters.find(p);
            if (f.isEmpty()) {
                String hint = DidYouMean.suggest(p, adapters.protocols()).map(s -> "did you mean '" + s + "'? ").orElse("");
                node.error("protocol", "unknown protocol '" + p + "'; " + hint + "available: "
                        + String.join(", ", adapters.protocols()));
            }
            return f;
        });

        boolean enabled = node.bool("enabled", true);
        Duration interval = node.duration("poll-interval", DEFAULT_INTERVAL, MIN_INTERVAL, MAX_INTERVAL);
        Duration timeout = node.duration("timeout", DEFAULT_TIMEOUT, MIN_INTERVAL, Duration.ofMinutes(10));
        BackoffConfig backoff = readBackoff(node.mapping("backoff"));

        PointDefaults defaults = new PointDefaults(
                PublishSectionReader.optionalTemplate(node, "topic", PublishSectionReader.POINT_PLACEHOLDERS).orElse(publish.topic()),
                node.integer("qos", publish.qos(), 0, 2),
                node.bool("retain", publish.retain()),
                PublishSectionReader.format(node, formatNames).orElse(publish.format()),
                node.has("heartbeat") ? PublishSectionReader.heartbeat(node).orElse(null) : publish.heartbeat(),
                interval);
        TopicTemplate statusTemplate = PublishSectionReader.optionalTemplate(node, "status-topic", PublishSectionReader.STATUS_PLACEHOLDERS)
                .orElse(publish.statusTopic());
        String protocolName = protocol.orElse("");
        Map<String, String> names = Map.of("site", gateway.site(), "gateway", gateway.id(), "device", id,
                "protocol", protocolName);
        String statusTopic = statusTemplate.expand(names);

        Optional<DeviceConfig> device = factory.isPresent()
                ? Optional.of(readWithAdapter(node, factory.get(), id, protocolName, enabled, interval, timeout,
                        backoff, statusTopic, defaults, names))
                : Optional.empty();
        if (factory.isEmpty()) {
            // Without the adapter the protocol's keys are unknown; read the core keys only so their mistakes still show.
            PointReader reader = new PointReader(publish, formatNames, names, defaults, units);
            node.list("points").forEach(p -> reader.readCore(p, id));
            node.ignoreUnknownKeys();
        }
        node.rejectUnknownKeys();
        return idOk ? device : Optional.empty();
    }

    private <D, P> DeviceConfig readWithAdapter(ConfigNode node, AdapterFactory<D, P> factory, String id,
                                                String protocol, boolean enabled, Duration interval, Duration timeout,
                                                BackoffConfig backoff, String statusTopic, PointDefaults defaults,
                                                Map<String, String> names) {
        D settings = factory.parseDevice(node);
        PointReader reader = new PointReader(publish, formatNames, names, defaults, units);
        List<PointConfig> points = new ArrayList<>();
        Map<String, PointConfig> seen = new HashMap<>();
        List<ConfigNode> pointNodes = node.list("points");
        if (pointNodes.isEmpty() && !node.has("points")) {
            node.missing("points", "list the device's points, each with at least an id");
        }
        for (ConfigNode pointNode : pointNodes) {
            Optional<PointConfig> point = reader.read(pointNode, id, factory, settings);
            point.ifPresent(p -> {
                PointConfig previous = seen.putIfAbsent(p.id(), p);
                if (previous != null) {
                    pointNode.error("id", "point id '" + p.id() + "' is used twice in device '" + id
                            + "' (first at line " + previous.location().line() + "); point ids must be unique in a device");
                } else {
                    points.add(p);
                }
            });
        }
        DeviceConfig device = new DeviceConfig(id.isEmpty() ? "?" : id, protocol, enabled, interval, timeout, backoff,
                statusTopic, settings, points, node.mark());
        factory.validateDevice(device, node.problems());
        return device;
    }

    private static BackoffConfig readBackoff(ConfigNode node) {
        return BackoffReader.read(node, BackoffConfig.DEFAULT, MIN_INTERVAL);
    }
}
