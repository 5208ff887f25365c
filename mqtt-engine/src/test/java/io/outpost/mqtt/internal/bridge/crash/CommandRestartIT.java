package io.outpost.mqtt.internal.bridge.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.outpost.mqtt.internal.bridge.testing.RawMqttPeer;
import io.outpost.testing.ExternalProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QoS 2 command from the cloud (a reverse rule) is executed once although the gateway is killed in the middle of
 * its handshake: after PUBREC, before PUBREL. The cloud is a raw MQTT server that plays the worst case: after the
 * restart it sends the PUBLISH again (with DUP, as if the PUBREC had been lost), then PUBREL. A new command that
 * reuses the packet id after PUBCOMP is executed (the id left the disk with the handshake).
 */
class CommandRestartIT {

    @TempDir
    Path dir;

    private static ExternalProcess child(Path data, Path state, int port, String name) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return ExternalProcess.start(name, List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CommandChild.class.getName(),
                data.toString(), state.toString(), Integer.toString(port)), null);
    }

    private static List<String> executed(Path state) throws Exception {
        Path log = state.resolve("executed.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    private static long count(RawMqttPeer cloud, MqttMessageType type, int packetId) {
        return cloud.packets().stream().filter(p -> p.type() == type && p.packetId() == packetId).count();
    }

    private static long subscribes(RawMqttPeer cloud) {
        return cloud.packets().stream().filter(p -> p.type() == MqttMessageType.SUBSCRIBE).count();
    }

    @Test
    void a_qos2_command_is_executed_once_when_the_gateway_is_killed_between_pubrec_and_pubrel() throws Exception {
        Path data = dir.resolve("data");
        Path state = Files.createDirectories(dir.resolve("state"));
        try (RawMqttPeer cloud = RawMqttPeer.start(100, 0)) {
            try (ExternalProcess first = child(data, state, cloud.port(), "gateway-1")) {
                first.awaitLine("READY"::equals, Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(30)).until(() -> subscribes(cloud) == 1);
                cloud.sendQos2("cmd/valve-7", "open", 7, false);
                await().atMost(Duration.ofSeconds(30)).until(() -> count(cloud, MqttMessageType.PUBREC, 7) == 1);
                assertThat(executed(state)).containsExactly("local/valve-7 open");
                first.kill();
            }

            try (ExternalProcess second = child(data, state, cloud.port(), "gateway-2")) {
                second.awaitLine("READY"::equals, Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(30)).until(() -> subscribes(cloud) == 2);
                // The worst case: the cloud never saw the PUBREC and sends the PUBLISH again.
                cloud.sendQos2("cmd/valve-7", "open", 7, true);
                await().atMost(Duration.ofSeconds(30)).until(() -> count(cloud, MqttMessageType.PUBREC, 7) == 2);
                cloud.sendPubRel(7);
                await().atMost(Duration.ofSeconds(30)).until(() -> count(cloud, MqttMessageType.PUBCOMP, 7) == 1);
                assertThat(executed(state)).as("executed once across the restart").containsExactly("local/valve-7 open");

                // The handshake is over: the id is free, and a new command with it is a new command.
                cloud.sendQos2("cmd/valve-7", "close", 7, false);
                await().atMost(Duration.ofSeconds(30)).until(() -> count(cloud, MqttMessageType.PUBREC, 7) == 3);
                cloud.sendPubRel(7);
                await().atMost(Duration.ofSeconds(30)).until(() -> count(cloud, MqttMessageType.PUBCOMP, 7) == 2);
                assertThat(executed(state)).containsExactly("local/valve-7 open", "local/valve-7 close");
            }
        }
    }
}
