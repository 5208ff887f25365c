package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.broker.auth.PasswordFileEditor;
import io.outpost.mqtt.broker.auth.PasswordHasher;
import io.outpost.mqtt.broker.config.AclRule;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import io.outpost.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent session belongs to its user: another user (or an anonymous client) cannot resume it, read what it
 * queued or kick its owner; what a session delivers is checked against the rules in force when it resumes, when the
 * rules are reloaded and at delivery, not only at SUBSCRIBE.
 */
class SessionSecurityIT {

    @TempDir
    Path dir;
    Path passwd;
    int lan;
    int local;
    final List<TestBroker> brokers = new ArrayList<>();

    @BeforeEach
    void users() throws Exception {
        passwd = dir.resolve("passwd");
        // A small work factor: these tests log in many times; the factor is not what they are about.
        PasswordFileEditor users = new PasswordFileEditor(passwd, new PasswordHasher(1_000, new SecureRandom()));
        users.setPassword("alice", "alice-pw".toCharArray());
        users.setPassword("bob", "bob-pw".toCharArray());
        lan = FreePorts.tcp();
        local = FreePorts.tcp();
    }

    @AfterEach
    void stop() {
        brokers.forEach(TestBroker::close);
    }

    private TestBroker broker(String acl, String more) {
        TestBroker b = TestBroker.start(dir.resolve("data"), """
                listeners:
                  - {name: lan, type: tcp, bind: 0.0.0.0, port: %d}
                  - {name: local, type: tcp, bind: 127.0.0.1, port: %d}
                password-file: %s
                persistence: {interval: 100ms}
                sys-interval: off
                acl:
                %s
                %s
                """.formatted(lan, local, passwd, acl.indent(2), more));
        brokers.add(b);
        return b;
    }

    private static final String ACL = """
            - {user: alice, topic: "plant/#", access: read}
            - {topic: "plant/#", access: write}
            - {topic: "public/#"}
            """;

    private RawClient alice(String id) {
        return RawClient.connecting(lan, MqttVersion.MQTT_5, id, false, "alice", "alice-pw");
    }

    private RawClient publisher() {
        RawClient pub = RawClient.connecting(local, MqttVersion.MQTT_3_1_1, "pub", true, null, null);
        assertThat(pub.connAckCode()).isZero();
        return pub;
    }

    private static void publish(RawClient pub, String... topics) {
        int id = 1;
        for (String t : topics) {
            pub.publish(t, 1, id++, t.getBytes(StandardCharsets.UTF_8), null);
            pub.expect(MqttMessageType.PUBACK);
        }
    }

    @Test
    void another_user_cannot_resume_a_persistent_session_read_its_queue_or_kick_its_owner() {
        broker(ACL, "");
        try (RawClient owner = alice("hmi-1"); RawClient pub = publisher()) {
            assertThat(owner.connAckCode()).isZero();
            assertThat(owner.subscribe(1, "plant/#")).containsExactly(1);

            try (RawClient bob = RawClient.connecting(lan, MqttVersion.MQTT_5, "hmi-1", false, "bob", "bob-pw");
                 RawClient anonymous = RawClient.connecting(local, MqttVersion.MQTT_3_1_1, "hmi-1", false, null, null)) {
                assertThat(bob.connAckCode()).as("another user's CONNECT with the same client id").isEqualTo((byte) 0x87);
                assertThat(anonymous.connAckCode()).as("an anonymous one").isEqualTo((byte) 0x05);
            }
            publish(pub, "plant/live");
            assertThat(owner.topicsUntil("plant/live")).as("the owner stayed connected").containsExactly("plant/live");
            owner.send(io.netty.handler.codec.mqtt.MqttMessage.DISCONNECT);
        }
        try (RawClient pub = publisher()) {
            publish(pub, "plant/queued");
        }
        try (RawClient bob = RawClient.connecting(lan, MqttVersion.MQTT_5, "hmi-1", false, "bob", "bob-pw")) {
            assertThat(bob.connAckCode()).as("another user, the owner being away").isEqualTo((byte) 0x87);
        }
        try (RawClient owner = alice("hmi-1")) {
            MqttConnAckMessage ack = (MqttConnAckMessage) owner.expect(MqttMessageType.CONNACK);
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
            assertThat(ack.variableHeader().isSessionPresent()).isTrue();
            assertThat(owner.topicsUntil("plant/queued")).containsExactly("plant/queued");
        }
    }

    @Test
    void with_other_user_session_replace_another_user_starts_clean_and_gets_nothing_of_the_owners() {
        broker(ACL + "- {user: bob, topic: \"plant/#\", access: read}\n", "other-user-session: replace");
        try (RawClient owner = alice("hmi-2"); RawClient pub = publisher()) {
            assertThat(owner.connAckCode()).isZero();
            assertThat(owner.subscribe(1, "plant/#")).containsExactly(1);
            owner.send(io.netty.handler.codec.mqtt.MqttMessage.DISCONNECT);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !brokers.get(0).broker.sessions().get("hmi-2").online());
            publish(pub, "plant/queued");
            try (RawClient bob = RawClient.connecting(lan, MqttVersion.MQTT_5, "hmi-2", false, "bob", "bob-pw")) {
                MqttConnAckMessage ack = (MqttConnAckMessage) bob.expect(MqttMessageType.CONNACK);
                assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
                assertThat(ack.variableHeader().isSessionPresent()).isFalse();
                assertThat(bob.subscribe(1, "public/#")).containsExactly(1);
                publish(pub, "public/marker");
                assertThat(bob.topicsUntil("public/marker")).containsExactly("public/marker");
            }
        }
    }

    @Test
    void a_session_restored_after_the_acl_was_tightened_delivers_only_what_its_user_may_still_read() {
        TestBroker first = broker(ACL, "");
        try (RawClient owner = alice("historian"); RawClient pub = publisher()) {
            assertThat(owner.connAckCode()).isZero();
            assertThat(owner.subscribe(1, "plant/#")).containsExactly(1);
            owner.close();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !first.broker.sessions().get("historian").online());
            publish(pub, "plant/a/x", "plant/b/x", "plant/a/last");
        }
        first.close();
        brokers.clear();
        broker("""
                - {user: alice, topic: "plant/a/#", access: read}
                - {topic: "plant/#", access: write}
                - {topic: "public/#"}
                """, "");
        try (RawClient owner = alice("historian"); RawClient pub = publisher()) {
            MqttConnAckMessage ack = (MqttConnAckMessage) owner.expect(MqttMessageType.CONNACK);
            assertThat(ack.variableHeader().isSessionPresent()).isTrue();
            assertThat(owner.topicsUntil("plant/a/last")).containsExactly("plant/a/x", "plant/a/last");
            // plant/# is no longer granted whole: withdrawn, so live messages on it stop too.
            assertThat(owner.subscribe(2, "plant/a/#")).containsExactly(1);
            publish(pub, "plant/b/live", "plant/a/live");
            assertThat(owner.topicsUntil("plant/a/live")).containsExactly("plant/a/live");
        }
    }

    @Test
    void a_reloaded_deny_rule_stops_deliveries_to_a_connected_session_at_once() {
        TestBroker b = broker(ACL, "");
        try (RawClient owner = alice("panel"); RawClient pub = publisher()) {
            assertThat(owner.connAckCode()).isZero();
            assertThat(owner.subscribe(1, "plant/#")).containsExactly(1);
            publish(pub, "plant/x/secret", "plant/x/level");
            assertThat(owner.topicsUntil("plant/x/level")).containsExactly("plant/x/secret", "plant/x/level");

            List<AclRule> tightened = new ArrayList<>(TestBroker.parse(dir.resolve("data"), """
                    listeners: [{name: l, type: tcp, port: 0}]
                    acl:
                    %s
                      - {user: alice, topic: "plant/+/secret", access: deny}
                    """.formatted(ACL.indent(2))).acl());
            b.broker.reloadAccess(tightened);

            publish(pub, "plant/x/secret", "plant/x/level");
            assertThat(owner.topicsUntil("plant/x/level")).containsExactly("plant/x/level");
            assertThat(owner.subscribe(2, "plant/y/secret")).as("a filter wholly denied").containsExactly(0x87);
        }
    }

    @Test
    void a_user_deleted_from_the_password_file_is_disconnected_and_loses_its_session() throws Exception {
        TestBroker b = broker(ACL, "");
        try (RawClient owner = alice("deleted")) {
            assertThat(owner.connAckCode()).isZero();
            assertThat(owner.subscribe(1, "plant/#")).containsExactly(1);
            new PasswordFileEditor(passwd, new PasswordHasher(1_000, new SecureRandom())).remove("alice");
            // Any login re-reads a changed password file (so does a configuration reload).
            try (RawClient bob = RawClient.connecting(lan, MqttVersion.MQTT_5, "bob-1", true, "bob", "bob-pw")) {
                assertThat(bob.connAckCode()).isZero();
            }
            MqttMessage d = owner.expect(MqttMessageType.DISCONNECT);
            assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode()).isEqualTo((byte) 0x87);
            assertThat(owner.closedWithin(Duration.ofSeconds(10))).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> b.broker.sessions().get("deleted") == null);
        }
    }
}
