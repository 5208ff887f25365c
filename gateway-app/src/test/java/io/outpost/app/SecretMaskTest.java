package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.app.log.SecretMask;
import io.outpost.core.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SecretMask} on a configuration loaded as the gateway loads it (its secrets sit in records of every module). */
class SecretMaskTest {

    @TempDir
    Path dir;

    @Test
    void every_password_of_a_loaded_configuration_is_masked_wherever_it_appears() throws Exception {
        Path file = dir.resolve("outpost.yaml");
        Files.writeString(file, """
                gateway: {id: gw, data-dir: ./data}
                http: {port: 9990, username: admin, password: "http-pw-1"}
                upstreams:
                  - name: cloud
                    servers: ["mqtts://cloud.example.com:8883"]
                    username: gw
                    password: "upstream-pw-2"
                    forward: [{from: "gw/#", to: "up/{topic}", qos: 1}]
                devices:
                  - id: boiler
                    protocol: opcua
                    connection:
                      endpoint: opc.tcp://127.0.0.1:4840/x
                      security-policy: none
                      security-mode: none
                      auth: {username: op, password: "opcua-pw-3"}
                    points: [{id: t, node: "i=2258"}]
                """);
        GatewayConfig config = new ConfigFiles().load(file);

        SecretMask mask = SecretMask.of(config);

        assertThat(mask.apply("a http-pw-1 b upstream-pw-2 c opcua-pw-3 d"))
                .isEqualTo("a ****** b ****** c ****** d");
        assertThat(mask.apply("nothing secret here")).isEqualTo("nothing secret here");
    }
}
