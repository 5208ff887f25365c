package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.mqtt.internal.broker.testing.Peers;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** mosquitto_pub/mosquitto_sub and python paho, MQTT 3.1.1 and 5, talking to each other through the broker. */
class IndependentClientsIT {

    private static final Duration PEER = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() {
        broker = TestBroker.plain(dir);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static String port() {
        return Integer.toString(broker.port());
    }

    private static void awaitSession(String clientId) {
        Awaitility.await().atMost(PEER).until(() -> broker.broker.sessions().get(clientId) != null
                && broker.broker.sessions().get(clientId).online());
    }

    @ParameterizedTest(name = "mosquitto {0} QoS {1}")
    @CsvSource({"mqttv311, 0", "mqttv311, 1", "mqttv311, 2", "mqttv5, 0", "mqttv5, 1", "mqttv5, 2"})
    void mosquitto_clients_exchange_messages(String version, int qos) {
        Peers.assumeMosquittoClients();
        String id = "msub-" + version + "-" + qos;
        try (Peers.Running sub = Peers.start("mosquitto_sub", List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", port(),
                "-V", version, "-i", id, "-t", "m/" + id + "/#", "-q", Integer.toString(qos), "-C", "3", "-W", "50", "-v"))) {
            awaitSession(id);
            for (int i = 1; i <= 3; i++) {
                Peers.Result r = Peers.run(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", port(), "-V", version,
                        "-q", Integer.toString(qos), "-t", "m/" + id + "/x", "-m", "value-" + i), PEER);
                assertThat(r.exitCode()).as(r.output().toString()).isZero();
            }
            assertThat(sub.finish(PEER).output())
                    .containsExactly("m/" + id + "/x value-1", "m/" + id + "/x value-2", "m/" + id + "/x value-3");
        }
    }

    @Test
    void mosquitto_sub_gets_retained_messages_and_mqtt5_user_properties() {
        Peers.assumeMosquittoClients();
        Peers.Result pub = Peers.run(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", port(), "-V", "mqttv5", "-q", "1",
                "-r", "-t", "ret/tank/level", "-m", "3.25", "-D", "publish", "user-property", "unit", "m"), PEER);
        assertThat(pub.exitCode()).isZero();
        Peers.Result sub = Peers.run(List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", port(), "-V", "mqttv5",
                "-t", "ret/#", "-C", "1", "-W", "30", "-F", "%t %p %r %P"), PEER);
        assertThat(sub.exitCode()).as(sub.output().toString()).isZero();
        assertThat(sub.output()).contains("ret/tank/level 3.25 1 unit:m");
    }

    @Test
    void paho_311_and_paho_5_exchange_messages_with_mosquitto_clients() {
        Peers.assumeMosquittoClients();
        Peers.assumePaho();
        try (Peers.Running sub = Peers.startPaho("paho-sub", "--port", port(), "--version", "3", "--id", "paho-sub3",
                "--sub", "mix/#@2", "--expect", "1", "--timeout", "50")) {
            awaitSession("paho-sub3");
            Peers.Result r = Peers.run(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", port(), "-V", "mqttv311",
                    "-q", "2", "-t", "mix/a", "-m", "from-mosquitto"), PEER);
            assertThat(r.exitCode()).isZero();
            assertThat(sub.finish(PEER).lines("MSG")).containsExactly("MSG mix/a 2 0 from-mosquitto");
        }
        try (Peers.Running sub = Peers.start("mosquitto_sub", List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", port(),
                "-V", "mqttv5", "-i", "msub-paho", "-t", "mix/#", "-q", "1", "-C", "1", "-W", "50", "-F", "%t %p %P"))) {
            awaitSession("msub-paho");
            Peers.Result r = Peers.paho(PEER, "--port", port(), "--version", "5", "--pub", "mix/b=from-paho",
                    "--user-property", "origin=paho");
            assertThat(r.exitCode()).as(r.output().toString()).isZero();
            assertThat(sub.finish(PEER).output()).containsExactly("mix/b from-paho origin:paho");
        }
    }

    @Test
    void paho_sees_its_own_retained_qos2_message_as_retained() {
        Peers.assumePaho();
        Peers.Result set = Peers.paho(PEER, "--port", port(), "--version", "5", "--qos", "2", "--retain",
                "--pub", "paho/state=running");
        assertThat(set.lines("PUBACK")).containsExactly("PUBACK paho/state");
        Peers.Result get = Peers.paho(PEER, "--port", port(), "--version", "3", "--sub", "paho/#@2", "--expect", "1");
        assertThat(get.lines("MSG")).containsExactly("MSG paho/state 2 1 running");
    }
}
