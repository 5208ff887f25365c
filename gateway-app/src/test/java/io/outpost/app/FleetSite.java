package io.outpost.app;

import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outpost.app.fleet.FleetAgent;
import io.outpost.app.fleet.FleetClient;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamTlsConfig;
import io.outpost.mqtt.bridge.control.ControlSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the fleet ITs start: gateway {@code gw1} in-process from a configuration file, its fleet agent, and the cloud
 * side's fleet client on the same broker, ready once the client has the gateway's birth with one device online.
 */
final class FleetSite implements AutoCloseable {

    final Gateway gateway;
    final FleetAgent agent;
    final FleetClient client;

    private FleetSite(Gateway gateway, FleetAgent agent, FleetClient client) {
        this.gateway = gateway;
        this.agent = agent;
        this.client = client;
    }

    static FleetSite start(Path configFile, int cloudPort, Duration birthWithin) throws Exception {
        ConfigFiles files = new ConfigFiles();
        Gateway gateway = Gateway.start(files.load(configFile), files, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Map.of());
        FleetAgent agent = null;
        FleetClient client = null;
        try {
            agent = FleetAgents.start(gateway, files, configFile);
            client = new FleetClient(ControlSettings.of("test-cloud", List.of(ServerUri.parse("mqtt://127.0.0.1:" + cloudPort)),
                    MqttProtocol.V5, "test-cloud", null, null, UpstreamTlsConfig.DEFAULT), "outpost/{gateway}/");
            FleetClient waiting = client;
            await().atMost(birthWithin).until(() -> {
                FleetClient.Birth b = waiting.births().get("gw1");
                return b != null && b.online() && b.devicesOnline() == 1;
            });
            return new FleetSite(gateway, agent, client);
        } catch (Exception | Error e) {
            new FleetSite(gateway, agent, client).close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (agent != null) {
            agent.close();
        }
        gateway.close();
    }
}
