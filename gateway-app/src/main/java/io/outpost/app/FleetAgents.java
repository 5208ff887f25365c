package io.outpost.app;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.outpost.app.fleet.ConfigHistory;
import io.outpost.app.fleet.FleetAgent;
import io.outpost.app.fleet.FleetConfig;
import io.outpost.app.fleet.FleetSection;
import io.outpost.mqtt.bridge.control.ControlLink;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/** Starts the fleet agent of a running gateway (idle when the configuration has no {@code fleet:} section). */
final class FleetAgents {

    private FleetAgents() {
    }

    static FleetAgent start(Gateway gateway, ConfigFiles files, Path configFile) {
        int keep = gateway.runtime().config().section(FleetSection.KEY, FleetConfig.class)
                .map(FleetConfig::keepConfigs).orElse(FleetConfig.DISABLED.keepConfigs());
        // One IO thread: the control link carries a few small messages a minute.
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("outpost-fleet-io", true));
        FleetAgent agent = new FleetAgent(new GatewayFleetHost(gateway, files), new ConfigHistory(configFile, keep),
                (settings, filters, qos, will, listener) -> new ControlLink(settings, group, filters, qos, will,
                        listener, RandomGenerator.getDefault()), Clock.systemUTC());
        agent.whenClosed(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS));
        return agent.start();
    }
}
