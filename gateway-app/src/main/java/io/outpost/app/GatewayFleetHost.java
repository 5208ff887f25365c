package io.outpost.app;

import io.outpost.app.fleet.FleetHost;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.outpost.app.log.RecentLines;
import io.outpost.core.command.CommandPayload;
import io.outpost.core.command.CommandRouter;
import io.outpost.core.point.PointRef;
import io.outpost.core.poll.SharedResources;
import java.util.concurrent.CompletionStage;
import io.outpost.core.point.Sample;
import io.outpost.core.report.PointState;

/** The running gateway as the fleet agent sees it. */
final class GatewayFleetHost implements FleetHost {

    private final Gateway gateway;
    private final ConfigFiles files;

    GatewayFleetHost(Gateway gateway, ConfigFiles files) {
        this.gateway = gateway;
        this.files = files;
    }

    @Override
    public GatewayConfig config() {
        return gateway.runtime().config();
    }

    @Override
    public GatewayConfig load(Path file) throws ConfigException {
        return files.load(file);
    }

    @Override
    public void apply(GatewayConfig next) {
        gateway.reload(next);
    }

    @Override
    public Map<String, DeviceStatus> devices() {
        return gateway.runtime().statuses();
    }

    @Override
    public List<UpstreamStatus> upstreams() {
        return gateway.upstreamStatus();
    }

    @Override
    public Optional<Sample> latest(String device, String point) {
        return gateway.runtime().values().get(new PointRef(device, point)).map(PointState::latest);
    }

    @Override
    public CompletionStage<CommandRouter.WriteOutcome> write(PointRef point, CommandPayload payload) {
        return gateway.runtime().commands().write(point, payload);
    }

    @Override
    public boolean restartDevice(String device) {
        return gateway.restartDevice(device);
    }

    @Override
    public SharedResources shared() {
        return gateway.runtime().shared();
    }

    @Override
    public List<String> recentLog(int max) {
        return RecentLines.find().map(r -> r.last(max)).orElse(List.of());
    }

    @Override
    public String version() {
        return BuildInfo.version();
    }
}
