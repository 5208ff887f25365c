package io.outpost.app.fleet;

import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.point.Sample;
import java.util.Optional;

/** {@code read} (device, point): the latest reading as the gateway holds it (what the last poll read). Read-only. */
final class RemoteRead implements RemoteCommand {

    private final FleetHost host;

    RemoteRead(FleetHost host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "read";
    }

    @Override
    public boolean signed() {
        return false;
    }

    @Override
    public FleetJson.Body run(CommandRequest request) throws CommandFailure {
        String device = request.required("device");
        String point = request.required("point");
        Optional<Sample> latest = host.latest(device, point);
        if (latest.isEmpty()) {
            throw new CommandFailure("unknown-point", "no running point " + device + "/" + point);
        }
        Sample s = latest.get();
        return g -> {
            g.writeStringField("device", device);
            g.writeStringField("point", point);
            if (s.hasValue()) {
                g.writeFieldName("value");
                JsonPayloadFormat.writeValue(g, s.value());
            } else {
                g.writeNullField("value");
            }
            g.writeStringField("quality", s.quality().status().wireName());
            if (!s.quality().reason().isEmpty()) {
                g.writeStringField("reason", s.quality().reason());
            }
            g.writeNumberField("ts", s.sourceMillis());
        };
    }
}
