package io.outpost.app.fleet;

import io.outpost.core.config.Secret;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamTlsConfig;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.bridge.control.ControlSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Option;

/** How the fleet commands reach the cloud broker (they talk MQTT to it and to nothing else). */
public final class FleetConnectionOptions {

    @Option(names = "--broker", required = true, paramLabel = "URI",
            description = "Cloud broker, mqtt://host:port or mqtts://host:port; repeat for the nodes of a cluster "
                    + "(tried in order).")
    List<String> brokers;

    @Option(names = "--mqtt-version", defaultValue = "5", description = "5 or 3.1.1 (default: ${DEFAULT-VALUE}).")
    String mqttVersion;

    @Option(names = "--username", description = "User name at the cloud broker.")
    String username;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the password.")
    Path passwordFile;

    @Option(names = "--ca", paramLabel = "PEM", description = "CA certificate(s) for mqtts:// brokers.")
    Path ca;

    @Option(names = "--prefix", defaultValue = FleetConfig.DEFAULT_PREFIX,
            description = "The fleet topic prefix of the gateways (default: ${DEFAULT-VALUE}).")
    String prefix;

    UpstreamConfig settings() throws IOException {
        List<ServerUri> servers = brokers.stream().map(ServerUri::parse).toList();
        Secret password = passwordFile == null ? null
                : new Secret(Files.readString(passwordFile, StandardCharsets.UTF_8).strip());
        UpstreamTlsConfig tls = ca == null ? UpstreamTlsConfig.DEFAULT
                : new UpstreamTlsConfig(ca, null, null, null, null, List.of(), true);
        MqttProtocol protocol = mqttVersion.startsWith("3") ? MqttProtocol.V3_1_1 : MqttProtocol.V5;
        return ControlSettings.of("fleet-cli", servers, protocol, "outpost-fleet-" + UUID.randomUUID().toString()
                .substring(0, 8), username, password, tls);
    }
}
