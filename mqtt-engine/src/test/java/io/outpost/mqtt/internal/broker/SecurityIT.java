package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.broker.auth.PasswordFileEditor;
import io.outpost.mqtt.broker.auth.PasswordHasher;
import io.outpost.mqtt.internal.broker.testing.Peers;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import io.outpost.mqtt.internal.broker.testing.TestCertificates;
import io.outpost.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and authorization with independent clients: anonymous access refused on a non-loopback
 * listener, passwords from the password file, ACLs (3.1.1: connection-level; 5.0: reason 0x87), TLS with required
 * client certificates (mosquitto clients), WebSocket and secure WebSocket (python paho).
 */
class SecurityIT {

    private static final Duration PEER = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static TestBroker broker;
    static TestCertificates pki;
    static Path passwd;

    @BeforeAll
    static void start() throws Exception {
        pki = TestCertificates.create(dir.resolve("pki"));
        passwd = dir.resolve("passwd");
        PasswordFileEditor users = new PasswordFileEditor(passwd, new PasswordHasher());
        users.setPassword("hmi", "hmi-secret".toCharArray());
        users.setPassword("scada", "scada-secret".toCharArray());
        broker = TestBroker.start(dir, """
                listeners:
                  - {name: local, type: tcp, bind: 127.0.0.1, port: %d}
                  - {name: lan, type: tcp, bind: 0.0.0.0, port: %d}
                  - name: tls
                    type: tls
                    bind: 127.0.0.1
                    port: %d
                    tls: {cert: %s, key: %s, client-ca: %s, require-client-cert: true, identity-as-username: true}
                  - {name: ws, type: ws, bind: 127.0.0.1, port: %d}
                  - {name: wss, type: wss, bind: 127.0.0.1, port: %d, path: /mqtt, allow-anonymous: false,
                     tls: {cert: %s, key: %s}}
                password-file: %s
                acl:
                  - {user: hmi, topic: "site/#", access: read}
                  - {user: hmi, topic: "site/+/+/set", access: write}
                  - {user: scada, topic: "#"}
                  - {user: plc-7, topic: "site/plc-7/#", access: readwrite}
                  - {topic: "clients/%%c/#"}
                  - {topic: "public/#"}
                """.formatted(FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), pki.serverCert, pki.serverKey, pki.ca,
                FreePorts.tcp(), FreePorts.tcp(), pki.serverCert, pki.serverKey, passwd));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static RawClient login(String listener, MqttVersion v, String id, String user, String password) {
        RawClient c = RawClient.open(broker.port(listener));
        c.version(v);
        var b = MqttMessageBuilders.connect().protocolVersion(v).clientId(id).cleanSession(true).keepAlive(60);
        if (user != null) {
            b.hasUser(true).username(user);
        }
        if (password != null) {
            b.hasPassword(true).password(password.getBytes(StandardCharsets.UTF_8));
        }
        c.send(b.build());
        return c;
    }

    private static byte code(MqttMessage m) {
        return ((MqttConnAckMessage) m).variableHeader().connectReturnCode().byteValue();
    }

    private static RawClient withWill(int port, MqttVersion v, String id, String willTopic) {
        RawClient c = RawClient.open(port);
        c.version(v);
        c.send(MqttMessageBuilders.connect().protocolVersion(v).clientId(id).cleanSession(true).keepAlive(60)
                .willFlag(true).willTopic(willTopic).willMessage("gone".getBytes(StandardCharsets.UTF_8)).willRetain(true)
                .willQoS(MqttQoS.AT_LEAST_ONCE).build());
        return c;
    }

    @Test
    void a_will_on_a_dollar_topic_is_refused_like_a_publish_there_also_without_an_acl() {
        try (TestBroker open = TestBroker.plain(dir.resolve("no-acl"));
             RawClient v3 = withWill(open.port(), MqttVersion.MQTT_3_1_1, "will-sys-3", "$SYS/broker/version");
             RawClient v5 = withWill(open.port(), MqttVersion.MQTT_5, "will-sys-5", "$SYS/outpost/fake")) {
            assertThat(code(v3.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x05);
            assertThat(code(v5.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x87);
            assertThat(open.broker.retained().get("$SYS/outpost/fake", System.currentTimeMillis())).isNull();
        }
    }

    @Test
    void client_ids_starting_with_dollar_are_reserved_for_the_gateway() {
        try (RawClient gateway = login("local", MqttVersion.MQTT_3_1_1, "$gateway", null, null);
             RawClient bridge = login("local", MqttVersion.MQTT_5, "$bridge/cloud", null, null)) {
            assertThat(code(gateway.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x02);
            assertThat(code(bridge.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x85);
        }
    }

    @Test
    void an_mqtt311_publish_to_a_dollar_topic_is_acknowledged_and_dropped_without_closing_the_connection() {
        try (RawClient spy = login("local", MqttVersion.MQTT_3_1_1, "dollar-spy", null, null);
             RawClient c = login("local", MqttVersion.MQTT_3_1_1, "dollar-3", null, null)) {
            assertThat(code(spy.expect(MqttMessageType.CONNACK))).isZero();
            spy.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "$SYS/fake/#").build());
            spy.expect(MqttMessageType.SUBACK);
            assertThat(code(c.expect(MqttMessageType.CONNACK))).isZero();
            c.publish("$SYS/fake/alarm", 1, 7, new byte[] {1}, null);
            MqttMessage ack = c.expect(MqttMessageType.PUBACK);
            assertThat(((io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader) ack.variableHeader()).messageId()).isEqualTo(7);
            c.send(MqttMessage.PINGREQ);
            c.expect(MqttMessageType.PINGRESP);
            assertThat(c.isOpen()).isTrue();
            spy.expectNothing(Duration.ofMillis(500));
        }
    }

    @Test
    void control_characters_a_client_chose_are_escaped_in_the_log() {
        ch.qos.logback.classic.Logger violations =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("outpost.broker.violations");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        violations.addAppender(log);
        // A broker of its own: the violations log shows one line per 10 s, and other tests here write to it too.
        try (TestBroker own = TestBroker.start(dir.resolve("escape"), """
                listeners: [{name: lan, type: tcp, bind: 0.0.0.0, port: %d}]
                password-file: %s
                """.formatted(FreePorts.tcp(), passwd));
             RawClient forger = RawClient.open(own.port("lan"))) {
            forger.version(MqttVersion.MQTT_5);
            forger.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5)
                    .clientId("evil\n2030-01-01 INFO admin logged in\r").cleanSession(true).keepAlive(60)
                    .hasUser(true).username("mallory\n").hasPassword(true).password(new byte[] {'x'}).build());
            assertThat(code(forger.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x86);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("evil")));
        } finally {
            violations.detachAppender(log);
        }
        String line = log.list.stream().map(e -> e.getFormattedMessage()).filter(m -> m.contains("evil")).findFirst()
                .orElseThrow();
        assertThat(line).doesNotContain("\n", "\r").contains("evil\\n2030-01-01 INFO admin logged in\\r", "mallory\\n");
    }

    @Test
    void anonymous_clients_are_refused_on_a_non_loopback_listener_and_accepted_on_loopback() {
        try (RawClient v3 = login("lan", MqttVersion.MQTT_3_1_1, "anon3", null, null);
             RawClient v5 = login("lan", MqttVersion.MQTT_5, "anon5", null, null);
             RawClient local = login("local", MqttVersion.MQTT_5, "anon-local", null, null)) {
            assertThat(code(v3.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x05);
            assertThat(code(v5.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x87);
            assertThat(v3.closedWithin(Duration.ofSeconds(10))).isTrue();
            assertThat(code(local.expect(MqttMessageType.CONNACK))).isZero();
        }
    }

    @Test
    void a_wrong_password_or_unknown_user_is_refused_and_the_right_one_accepted() {
        try (RawClient wrong3 = login("lan", MqttVersion.MQTT_3_1_1, "w3", "hmi", "guess");
             RawClient wrong5 = login("lan", MqttVersion.MQTT_5, "w5", "hmi", "guess");
             RawClient unknown = login("lan", MqttVersion.MQTT_5, "u5", "mallory", "x");
             RawClient right = login("lan", MqttVersion.MQTT_5, "r5", "hmi", "hmi-secret")) {
            assertThat(code(wrong3.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x04);
            assertThat(code(wrong5.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x86);
            assertThat(code(unknown.expect(MqttMessageType.CONNACK))).isEqualTo((byte) 0x86);
            assertThat(code(right.expect(MqttMessageType.CONNACK))).isZero();
        }
        assertThat(broker.meters.get("outpost.broker.auth.failures").counter().count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void a_user_added_to_the_password_file_can_connect_without_a_restart() throws Exception {
        new PasswordFileEditor(passwd, new PasswordHasher()).setPassword("newcomer", "fresh".toCharArray());
        try (RawClient c = login("lan", MqttVersion.MQTT_3_1_1, "nc", "newcomer", "fresh")) {
            assertThat(code(c.expect(MqttMessageType.CONNACK))).isZero();
        }
    }

    @Test
    void mqtt5_acl_denials_are_answered_with_0x87_per_packet() {
        try (RawClient hmi = login("lan", MqttVersion.MQTT_5, "hmi-5", "hmi", "hmi-secret")) {
            assertThat(code(hmi.expect(MqttMessageType.CONNACK))).isZero();
            hmi.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "site/+/level")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "#").addSubscription(MqttQoS.AT_LEAST_ONCE, "clients/hmi-5/#").build());
            MqttSubAckMessage ack = (MqttSubAckMessage) hmi.expect(MqttMessageType.SUBACK);
            assertThat(ack.payload().reasonCodes()).containsExactly(1, 0x87, 1);
            hmi.publish("site/pump/level", 1, 2, new byte[] {1}, null);
            MqttMessage denied = hmi.expect(MqttMessageType.PUBACK);
            MqttPubReplyMessageVariableHeader deniedHeader = (MqttPubReplyMessageVariableHeader) denied.variableHeader();
            assertThat(deniedHeader.reasonCode()).isEqualTo((byte) 0x87);
            assertThat(deniedHeader.properties().getProperty(
                    io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.REASON_STRING.value()).value())
                    .isEqualTo("not allowed to publish to site/pump/level");
            hmi.publish("site/pump/speed/set", 1, 3, new byte[] {1}, null);
            MqttMessage allowed = hmi.expect(MqttMessageType.PUBACK);
            assertThat(((MqttPubReplyMessageVariableHeader) allowed.variableHeader()).reasonCode()).isZero();
            assertThat(hmi.isOpen()).isTrue();
        }
    }

    @Test
    void mqtt311_acl_denials_refuse_the_subscription_and_close_the_connection_on_publish() {
        try (RawClient hmi = login("lan", MqttVersion.MQTT_3_1_1, "hmi-3", "hmi", "hmi-secret")) {
            assertThat(code(hmi.expect(MqttMessageType.CONNACK))).isZero();
            hmi.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "$SYS/#").build());
            assertThat(((MqttSubAckMessage) hmi.expect(MqttMessageType.SUBACK)).payload().reasonCodes()).containsExactly(0x80);
            hmi.publish("site/pump/level", 1, 2, new byte[] {1}, null);
            assertThat(hmi.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void tls_requires_a_client_certificate_whose_name_becomes_the_user() {
        Peers.assumeMosquittoClients();
        Path[] plc = pki.client("plc-7");
        String port = Integer.toString(broker.port("tls"));
        try (Peers.Running sub = Peers.start("mosquitto_sub", List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", port,
                "-V", "mqttv311", "--cafile", pki.ca.toString(), "--cert", plc[0].toString(), "--key", plc[1].toString(),
                "-t", "site/plc-7/#", "-C", "1", "-W", "30", "-v", "-i", "plc-7-sub"))) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> broker.broker.sessions().get("plc-7-sub") != null);
            Peers.Result pub = Peers.run(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-V", "mqttv5",
                    "--cafile", pki.ca.toString(), "--cert", plc[0].toString(), "--key", plc[1].toString(),
                    "-t", "site/plc-7/alarm", "-m", "HIGH", "-q", "1"), PEER);
            assertThat(pub.exitCode()).as(pub.output().toString()).isZero();
            assertThat(sub.finish(PEER).output()).containsExactly("site/plc-7/alarm HIGH");
        }
        Peers.Result noCert = Peers.run(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-V", "mqttv311",
                "--cafile", pki.ca.toString(), "-t", "site/plc-7/alarm", "-m", "x"), PEER);
        assertThat(noCert.exitCode()).as("a TLS client without a certificate is refused").isNotZero();
        Peers.Result outside = Peers.run(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-V", "mqttv5",
                "--cafile", pki.ca.toString(), "--cert", plc[0].toString(), "--key", plc[1].toString(),
                "-t", "site/other/alarm", "-m", "x", "-q", "1", "-d"), PEER);
        assertThat(String.join("\n", outside.output())).as("PUBACK with reason 0x87").contains("RC:135");
    }

    @Test
    void websocket_clients_connect_on_path_mqtt_with_subprotocol_mqtt() {
        Peers.assumePaho();
        Peers.Result r = Peers.paho(PEER, "--port", Integer.toString(broker.port("ws")), "--transport", "websockets",
                "--version", "3", "--sub", "public/#", "--pub", "public/ws=over-websocket", "--expect", "1");
        assertThat(r.exitCode()).as(r.output().toString()).isZero();
        assertThat(r.lines("MSG")).containsExactly("MSG public/ws 1 0 over-websocket");
        Peers.Result v5 = Peers.paho(PEER, "--port", Integer.toString(broker.port("ws")), "--transport", "websockets",
                "--version", "5", "--sub", "public/#", "--pub", "public/ws5=five", "--expect", "1");
        assertThat(v5.lines("MSG")).as(v5.output().toString()).containsExactly("MSG public/ws5 1 0 five");
    }

    @Test
    void secure_websocket_clients_authenticate_with_passwords() {
        Peers.assumePaho();
        Peers.Result r = Peers.paho(PEER, "--port", Integer.toString(broker.port("wss")), "--transport", "websockets",
                "--ca", pki.ca.toString(), "--user", "scada", "--password", "scada-secret", "--version", "5",
                "--sub", "plant/#", "--pub", "plant/wss=secure", "--expect", "1");
        assertThat(r.exitCode()).as(r.output().toString()).isZero();
        assertThat(r.lines("MSG")).containsExactly("MSG plant/wss 1 0 secure");
        Peers.Result anon = Peers.paho(PEER, "--port", Integer.toString(broker.port("wss")), "--transport", "websockets",
                "--ca", pki.ca.toString(), "--version", "5");
        assertThat(anon.lines("CONNACK")).containsExactly("CONNACK 135");
    }
}
