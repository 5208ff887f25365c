package io.outpost.app.fleet;

import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code metrics}: device states and each upstream's state, backlog and counters. Read-only. */
final class RemoteMetrics implements RemoteCommand {

    private final FleetHost host;
    private final Clock clock;

    RemoteMetrics(FleetHost host, Clock clock) {
        this.host = host;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public boolean signed() {
        return false;
    }

    @Override
    public FleetJson.Body run(CommandRequest request) {
        Map<String, DeviceStatus> devices = host.devices();
        List<UpstreamStatus> upstreams = host.upstreams();
        String at = clock.instant().toString();
        return g -> {
            g.writeStringField("at", at);
            g.writeObjectFieldStart("devices");
            for (Map.Entry<String, DeviceStatus> d : devices.entrySet()) {
                g.writeStringField(d.getKey(), d.getValue().state().name().toLowerCase(Locale.ROOT));
            }
            g.writeEndObject();
            g.writeArrayFieldStart("upstreams");
            for (UpstreamStatus u : upstreams) {
                g.writeStartObject();
                g.writeStringField("name", u.upstream());
                g.writeStringField("state", u.state());
                g.writeNumberField("backlog", u.queuedMessages());
                g.writeNumberField("sent", u.sent());
                g.writeNumberField("acknowledged", u.acked());
                g.writeNumberField("reconnects", u.reconnects());
                g.writeNumberField("bytes-sent", u.bytesSent());
                g.writeEndObject();
            }
            g.writeEndArray();
        };
    }
}
