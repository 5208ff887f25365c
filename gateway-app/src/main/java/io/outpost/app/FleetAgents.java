package io.outpost.app;

import io.netty.channel.EventLoopGroup;
import io.outpost.app.fleet.ConfigHistory;
import io.outpost.app.fleet.FleetAgent;
import io.outpost.app.fleet.FleetConfig;
import io.outpost.app.fleet.FleetSection;
import io.outpost.mqtt.bridge.control.ControlLink;
import java.nio.file.Path;
import java.time.Clock;
import java.util.random.RandomGenerator;

/** Starts the fleet agent of a running gateway (idle when the configuration has no {@code fleet:} section). */
final class FleetAgents {

    private FleetAgents() {
    }

    static FleetAgent start(Gateway gateway, ConfigFiles files, Path configFile) {
        int keep = gateway.runtime().config().section(FleetSection.KEY, FleetConfig.class)
                .map(FleetConfig::keepConfigs).orElse(FleetConfig.DISABLED.keepConfigs());
        // The control link carries a few small messages a minute: it shares the gateway's control loop with the
        // operations endpoint; the gateway ends that loop.
        EventLoopGroup group = gateway.controlLoops();
        FleetAgent agent = new FleetAgent(new GatewayFleetHost(gateway, files), new ConfigHistory(configFile, keep),
                (settings, filters, qos, will, listener) -> new ControlLink(settings, group, filters, qos, will,
                        listener, RandomGenerator.getDefault()), Clock.systemUTC());
        return agent.start();
    }
}
