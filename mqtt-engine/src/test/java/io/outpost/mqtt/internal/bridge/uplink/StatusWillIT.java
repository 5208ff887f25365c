package io.outpost.mqtt.internal.bridge.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.mqtt.internal.bridge.testing.PythonDecoder;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's status birth and death on a plain upstream, through the forward rules. */
class StatusWillIT {

    private static final String ONLINE = "{\"state\":\"online\",\"gateway\":\"pump-station-7\",\"since\":1}";

    @TempDir
    Path dir;

    private Mosquitto cloud;
    private BridgeHarness h;

    @BeforeEach
    void start() {
        cloud = BridgeHarness.cloud(dir.resolve("cloud"));
        h = new BridgeHarness(dir.resolve("data"));
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    private void gatewayOnline() {
        h.local.publish(Message.of(new MessageHeader("north-field/_status", 1, true,
                MessageProperties.JSON, Message.ORIGIN_GATEWAY),
                ONLINE.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis())).toCompletableFuture().join();
    }

    /** The retained status at the cloud, read by a new subscriber. */
    private String retained(String topic) {
        try (CloudClient late = CloudClient.connect(cloud.port()).subscribe(topic, 1)) {
            return late.awaitCount(1, Duration.ofSeconds(10)).get(0).payload();
        }
    }

    @Test
    void the_cloud_sees_offline_when_the_link_dies_and_online_again_when_it_is_back() throws Exception {
        try (LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port())) {
            gatewayOnline();
            h.start("""
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        keep-alive: 2s
                        connect-timeout: 2s
                        backoff: {initial: 100ms, max: 500ms}
                        forward:
                          - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                    """.formatted(link.port()));
            h.awaitConnected();
            await().atMost(Duration.ofSeconds(20)).until(() -> retained("sites/north-field/_status").contains("online"));

            link.blackHole(true);
            await().atMost(Duration.ofSeconds(30)).until(() -> retained("sites/north-field/_status").contains("offline"));
            assertThat(retained("sites/north-field/_status")).contains("\"reason\":\"connection-lost\"");

            link.blackHole(false);
            await().atMost(Duration.ofSeconds(30)).until(() -> retained("sites/north-field/_status").equals(ONLINE));
        }
    }

    @Test
    void an_orderly_stop_leaves_the_will_so_the_cloud_ends_with_offline() throws Exception {
        gatewayOnline();
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    forward:
                      - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                """.formatted(cloud.port()));
        await().atMost(Duration.ofSeconds(20)).until(() -> retained("sites/north-field/_status").contains("online"));

        h.stop();

        await().atMost(Duration.ofSeconds(20)).until(() -> retained("sites/north-field/_status").contains("offline"));
    }

    @Test
    void under_a_batching_rule_the_birth_travels_as_a_batch_holding_the_status() throws Exception {
        PythonDecoder.assumeAvailable();
        gatewayOnline();
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    forward:
                      - {from: "north-field/#", to: "s/{site}/{device}", format: cbor-batch, compression: zstd}
                """.formatted(cloud.port()));
        try (CloudClient sub = CloudClient.connect(cloud.port()).subscribe("s/north-field/_gateway", 1)) {
            CloudClient.Received birth = sub.awaitCount(1, Duration.ofSeconds(20)).get(0);
            String decoded = String.join("\n", PythonDecoder.decode(birth.raw()));
            assertThat(decoded).contains("\"topic\": \"north-field/_status\"").contains("online");
        }
    }
}
