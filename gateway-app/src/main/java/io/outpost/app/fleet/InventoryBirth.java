package io.outpost.app.fleet;

import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The retained inventory a gateway publishes on {@code <prefix>birth}: who it is, what runs, how it is doing.
 * <pre>
 * {"state":"online","gateway":"north-07","site":"north","version":"0.4.0","started":"2026-12-05T06:00:00Z",
 *  "config":{"version":42,"hash":"9f2c...","highest":42,"pending":false},
 *  "devices":[{"id":"plc","protocol":"modbus","state":"online"}],
 *  "upstreams":[{"name":"cloud","state":"connected","backlog":0,"autonomy-hours":null}]}
 * </pre>
 * The will of the fleet link replaces it with {@link #offline} when the gateway disappears.
 */
final class InventoryBirth {

    private InventoryBirth() {
    }

    /** The configuration part: what is in force and whether a grace period runs. */
    record ConfigState(long version, String hash, long highest, boolean pending) {
    }

    static byte[] online(FleetHost host, Instant started, ConfigState config) {
        GatewayConfig running = host.config();
        Map<String, DeviceStatus> states = host.devices();
        List<UpstreamStatus> upstreams = host.upstreams();
        return FleetJson.object(g -> {
            g.writeStringField("state", "online");
            g.writeStringField("gateway", running.gateway().id());
            g.writeStringField("site", running.gateway().site());
            g.writeStringField("version", host.version());
            g.writeStringField("started", started.toString());
            g.writeObjectFieldStart("config");
            g.writeNumberField("version", config.version());
            g.writeStringField("hash", config.hash());
            g.writeNumberField("highest", config.highest());
            g.writeBooleanField("pending", config.pending());
            g.writeEndObject();
            g.writeArrayFieldStart("devices");
            for (DeviceConfig d : running.devices()) {
                DeviceStatus s = states.get(d.id());
                g.writeStartObject();
                g.writeStringField("id", d.id());
                g.writeStringField("protocol", d.protocol());
                g.writeStringField("state", s == null ? "stopped" : s.state().name().toLowerCase(Locale.ROOT));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("upstreams");
            for (UpstreamStatus u : upstreams) {
                g.writeStartObject();
                g.writeStringField("name", u.upstream());
                g.writeStringField("state", u.state());
                g.writeNumberField("backlog", u.queuedMessages());
                if (Double.isFinite(u.autonomyHours())) {
                    g.writeNumberField("autonomy-hours", Math.round(u.autonomyHours() * 10) / 10.0);
                } else {
                    g.writeNullField("autonomy-hours");
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    static byte[] offline(String gatewayId, String reason) {
        return FleetJson.object(g -> {
            g.writeStringField("state", "offline");
            g.writeStringField("gateway", gatewayId);
            g.writeStringField("reason", reason);
        });
    }
}
