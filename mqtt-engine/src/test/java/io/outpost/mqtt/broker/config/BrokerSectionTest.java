package io.outpost.mqtt.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerSectionTest {

    private final ConfigLoader loader = new ConfigLoader(new AdapterCatalog(List.of()), List.of(new BrokerSection()),
            PayloadFormats.standard().names(), new Interpolator(n -> n.equals("KEY_PASS") ? "k3y" : null));

    private BrokerConfig parse(String broker) throws ConfigException {
        GatewayConfig c = loader.parse("gateway: {id: gw, data-dir: /var/lib/outpost}\n" + broker,
                Path.of("/etc/outpost/site.yaml"));
        return c.section("broker", BrokerConfig.class).orElseThrow();
    }

    @Test
    void without_a_broker_section_there_is_one_loopback_listener_on_1883() throws ConfigException {
        BrokerConfig c = parse("");
        assertThat(c.listeners()).containsExactly(ListenerConfig.defaultLocal());
        assertThat(c.persistence().directory()).isEqualTo(Path.of("/var/lib/outpost/broker"));
        assertThat(c.acl()).isNull();
    }

    @Test
    void the_minimum_users_write_is_valid_and_anonymous_access_depends_on_the_bind_address() throws ConfigException {
        BrokerConfig c = parse("""
                broker:
                  listeners:
                    - {name: local, type: tcp, bind: 127.0.0.1, port: 1883}
                    - {name: lan, bind: 0.0.0.0, port: 1884}
                    - {name: open, bind: 10.0.0.5, port: 1885, allow-anonymous: true}
                """);
        assertThat(c.listeners()).extracting(ListenerConfig::allowAnonymous).containsExactly(true, false, true);
    }

    @Test
    void every_setting_is_read_with_relative_paths_from_the_config_folder() throws ConfigException {
        BrokerConfig c = parse("""
                broker:
                  listeners:
                    - name: secure
                      type: wss
                      bind: 0.0.0.0
                      path: /ws
                      allowed-origins: [same-host, "HTTPS://HMI.example.com", "http://10.0.0.7:1880/"]
                      tls: {cert: tls/server.pem, key: tls/server.key, key-password: "${env:KEY_PASS}", client-ca: tls/ca.pem,
                            require-client-cert: true, identity-as-username: true}
                  password-file: passwd
                  acl:
                    - {user: hmi, topic: "site/#", access: read}
                    - {user: plc, client-id: plc-7, topic: "plant/%c/#", access: write}
                    - {topic: "plant/+/secret", access: deny}
                  limits: {max-connections: 50, max-packet-size: 64KB, max-queued-bytes: 2MB, max-inflight: 10,
                           max-session-expiry: 1d, max-keep-alive: 5m, max-topic-aliases: 0, connect-timeout: 5s,
                           max-retained-messages: 500, max-retained-bytes: 1MB, max-total-queued-bytes: 16MB,
                           max-persistent-sessions: 20, max-subscriptions-per-client: 30, max-subscriptions: 400,
                           max-pending-logins-per-address: 3}
                  anonymous-commands: true
                  other-user-session: replace
                  mqtt3-dollar-publish: close
                  persistence: {enabled: false, interval: 1m}
                  sys-interval: off
                """);
        ListenerConfig l = c.listeners().get(0);
        assertThat(l.port()).isEqualTo(8084);
        assertThat(l.path()).isEqualTo("/ws");
        assertThat(l.tls().cert()).isEqualTo(Path.of("/etc/outpost/tls/server.pem"));
        assertThat(l.tls().keyPassword().reveal()).isEqualTo("k3y");
        assertThat(l.tls().keyPassword().toString()).doesNotContain("k3y");
        assertThat(l.tls().requireClientCert()).isTrue();
        assertThat(c.passwordFile()).isEqualTo(Path.of("/etc/outpost/passwd"));
        assertThat(l.allowedOrigins()).containsExactly("same-host", "https://hmi.example.com:443", "http://10.0.0.7:1880");
        assertThat(c.acl()).containsExactly(new AclRule("hmi", null, "site/#", Access.READ),
                new AclRule("plc", "plc-7", "plant/%c/#", Access.WRITE),
                new AclRule(null, null, "plant/+/secret", Access.DENY));
        assertThat(c.limits()).isEqualTo(new BrokerLimits(50, 64 * 1024, 2L << 20, 10, Duration.ofDays(1),
                Duration.ofMinutes(5), 0, Duration.ofSeconds(5),
                new BrokerLimits.Quotas(500, 1L << 20, 16L << 20, 20, 30, 400, 3)));
        assertThat(c.clients()).isEqualTo(new ClientPolicy(true, ClientPolicy.OtherUserSession.REPLACE,
                ClientPolicy.DollarPublish.CLOSE));
        assertThat(c.persistence().enabled()).isFalse();
        assertThat(c.sysInterval()).isNull();
    }

    @Test
    void mistakes_are_reported_with_line_and_key() {
        assertThatThrownBy(() -> parse("""
                broker:
                  listeners:
                    - {name: a, type: tpc, port: 1883}
                    - {name: a, type: tls, port: 1883}
                    - {name: b, type: ws, port: 70000, tls: {cert: x}}
                    - {name: c, type: tcp, port: 1886, allowed-origins: [same-host]}
                    - {name: d, type: ws, port: 1887, allowed-origins: ["not an origin"]}
                  acl:
                    - {user: hmi, topic: "site/#/x", acess: read}
                    - {client-id: plc-7, topic: "plant/#"}
                  limits: {max-inflight: 0}
                  other-user-session: share
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Object::toString)
                .anySatisfy(p -> assertThat(p).contains("site.yaml:4:").contains("broker.listeners[0].type")
                        .contains("did you mean 'tcp'"))
                .anySatisfy(p -> assertThat(p).contains("broker.listeners[1].tls").contains("needs tls"))
                .anySatisfy(p -> assertThat(p).contains("listener name 'a' is used twice"))
                .anySatisfy(p -> assertThat(p).contains("broker.listeners[2].port").contains("65535"))
                .anySatisfy(p -> assertThat(p).contains("broker.listeners[2].tls").contains("for tls and wss listeners"))
                .anySatisfy(p -> assertThat(p).contains("broker.acl[0].acess").contains("did you mean 'access'"))
                .anySatisfy(p -> assertThat(p).contains("broker.acl[0].topic").contains("'#'"))
                .anySatisfy(p -> assertThat(p).contains("broker.limits.max-inflight"))
                .anySatisfy(p -> assertThat(p).contains("broker.listeners[3].allowed-origins").contains("ws and wss"))
                .anySatisfy(p -> assertThat(p).contains("broker.listeners[4].allowed-origins").contains("not an origin"))
                .anySatisfy(p -> assertThat(p).contains("site.yaml:11:").contains("broker.acl[1].client-id")
                        .contains("must also name the user"))
                .anySatisfy(p -> assertThat(p).contains("broker.other-user-session")));
    }

    @Test
    void the_broker_blocks_of_the_shipped_example_configurations_are_valid() throws Exception {
        for (String name : List.of("example.yaml", "broker.yaml")) {
            Path file = Path.of("../configs", name);
            String yaml = topLevelBlocks(Files.readString(file), "gateway", "broker");
            GatewayConfig c = new ConfigLoader(new AdapterCatalog(List.of()), List.of(new BrokerSection()),
                    PayloadFormats.standard().names(), new Interpolator(n -> "x")).parse(yaml, file);
            assertThat(c.section("broker", BrokerConfig.class).orElseThrow().listeners()).as(name).isNotEmpty();
        }
    }

    /** The named top-level blocks of a YAML file (other modules' sections are validated by their own tests). */
    private static String topLevelBlocks(String yaml, String... keys) {
        StringBuilder out = new StringBuilder();
        boolean keep = false;
        for (String line : yaml.split("\n")) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")) {
                keep = List.of(keys).contains(line.split(":")[0]);
            }
            out.append(keep ? line : "").append('\n');
        }
        return out.toString();
    }
}
