package io.outpost.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamTlsConfig;
import io.outpost.mqtt.bridge.control.ControlSettings;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage larger than the control link's 1,000 outstanding publishes (an oil company's 2,000 well pads) over a link
 * whose acknowledgements come late: every gateway of the stage gets its push, paced by the broker's
 * acknowledgements, and none is reported "not sent" (before, half of them were). The gateways are births only
 * (nobody answers), so the stage ends without results; what is checked is what the broker received.
 */
class FleetRolloutPacingIT {

    private static final int GATEWAYS = 2_000;

    @TempDir
    Path dir;
    Mosquitto cloud;
    LinkEmulator wan;
    Mqtt5AsyncClient sites;
    FleetClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (sites != null) {
            sites.disconnect().get(10, TimeUnit.SECONDS);
        }
        if (wan != null) {
            wan.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void a_stage_of_two_thousand_gateways_gets_every_push_paced_by_acknowledgements() throws Exception {
        // Mosquitto queues at most 1,000 QoS 1 messages per client by default: the retained births of 2,000 gateways
        // are more than that for the fleet client.
        cloud = Mosquitto.start(dir.resolve("cloud"), "max_queued_messages 10000");
        sites = MqttClient.builder().useMqttVersion5().identifier("sites").serverHost("127.0.0.1")
                .serverPort(cloud.port()).buildAsync();
        sites.connect().get(10, TimeUnit.SECONDS);
        AtomicInteger pushes = new AtomicInteger();
        sites.subscribeWith().topicFilter("outpost/+/config").qos(MqttQos.AT_MOST_ONCE)
                .callback(p -> pushes.incrementAndGet()).send().get(10, TimeUnit.SECONDS);
        List<String> gateways = IntStream.range(0, GATEWAYS).mapToObj(i -> String.format("pad-%04d", i)).toList();
        CompletableFuture.allOf(gateways.stream().map(g -> sites.publishWith().topic("outpost/" + g + "/birth")
                .payload("{\"state\":\"online\",\"config\":{\"version\":0,\"highest\":0}}".getBytes(StandardCharsets.UTF_8))
                .qos(MqttQos.AT_LEAST_ONCE).retain(true).send()).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        // The operator's command line reaches the broker over 500 ms each way: acknowledgements come back long after
        // a stage's pushes went out, as they do from a broker across the world or one that fsyncs retained messages.
        wan = LinkEmulator.start("127.0.0.1", cloud.port()).latency(Duration.ofMillis(500));
        client = new FleetClient(ControlSettings.of("test-cloud", List.of(ServerUri.parse("mqtt://127.0.0.1:" + wan.port())),
                MqttProtocol.V5, "fleet-cli", null, null, UpstreamTlsConfig.DEFAULT), "outpost/{gateway}/");
        await().atMost(Duration.ofSeconds(60)).until(() -> client.births().size() == GATEWAYS);

        KeyPair ops = Ed25519Keys.generate(dir.resolve("keys"), "ops");
        StringWriter log = new StringWriter();
        FleetRollout rollout = new FleetRollout(client, ops.getPrivate(), "ops", Duration.ofSeconds(5),
                new PrintWriter(log, true));
        FleetRollout.Outcome outcome = rollout.run(FleetRollout.stages(gateways, null),
                "site: {}\n".getBytes(StandardCharsets.UTF_8));

        assertThat(outcome.complete()).as("nobody answers: the stage ends without results").isFalse();
        assertThat(log.toString()).doesNotContain("not sent");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pushes.get()).isEqualTo(GATEWAYS));
    }
}
