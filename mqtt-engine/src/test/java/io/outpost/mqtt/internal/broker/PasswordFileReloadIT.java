package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.broker.auth.PasswordFileEditor;
import io.outpost.mqtt.broker.auth.PasswordHasher;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import io.outpost.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, finding 8: the running broker follows the password file; users deleted from it stop working at once,
 * and a file it cannot read refuses every password login instead of keeping the users it had read before.
 */
class PasswordFileReloadIT {

    @TempDir
    Path dir;
    private Path passwd;
    private TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        passwd = dir.resolve("passwd");
        PasswordFileEditor users = new PasswordFileEditor(passwd, new PasswordHasher());
        users.setPassword("hmi", "hmi-secret".toCharArray());
        users.setPassword("leaver", "leaver-secret".toCharArray());
        broker = TestBroker.start(dir, """
                listeners:
                  - {name: lan, type: tcp, bind: 127.0.0.1, port: %d, allow-anonymous: false}
                password-file: %s
                acl:
                  - {topic: "#"}
                """.formatted(FreePorts.tcp(), passwd));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private byte connack(String user, String password) {
        try (RawClient c = RawClient.open(broker.port("lan"))) {
            c.version(MqttVersion.MQTT_3_1_1);
            c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("c-" + user)
                    .cleanSession(true).keepAlive(60).hasUser(true).username(user).hasPassword(true)
                    .password(password.getBytes(StandardCharsets.UTF_8)).build());
            return ((MqttConnAckMessage) c.expect(MqttMessageType.CONNACK)).variableHeader().connectReturnCode()
                    .byteValue();
        }
    }

    @Test
    void a_deleted_user_is_refused_at_its_next_login_even_after_logging_in_before() throws Exception {
        assertThat(connack("leaver", "leaver-secret")).isZero();

        new PasswordFileEditor(passwd, new PasswordHasher()).remove("leaver");

        assertThat(connack("leaver", "leaver-secret")).isEqualTo((byte) 0x04);
        assertThat(connack("hmi", "hmi-secret")).isZero();
    }

    @Test
    void a_password_file_that_cannot_be_read_refuses_every_password_login_until_it_can() throws Exception {
        assertThat(connack("leaver", "leaver-secret")).isZero();
        String good = Files.readString(passwd);

        // The user is deleted, and the new file is one the broker cannot read.
        Files.writeString(passwd, good.lines().filter(l -> !l.startsWith("leaver:")).reduce("", (a, b) -> a + b + "\n")
                + "broken line without a hash\n");

        assertThat(connack("leaver", "leaver-secret")).as("server unavailable").isEqualTo((byte) 0x03);
        assertThat(connack("hmi", "hmi-secret")).isEqualTo((byte) 0x03);

        Files.writeString(passwd, good.lines().filter(l -> !l.startsWith("leaver:")).reduce("", (a, b) -> a + b + "\n"));

        assertThat(connack("hmi", "hmi-secret")).isZero();
        assertThat(connack("leaver", "leaver-secret")).isEqualTo((byte) 0x04);
    }
}
