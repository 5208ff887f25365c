package io.outpost.mqtt.broker.config;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigSection;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.mqtt.api.TopicFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code broker:} section (registered with {@link java.util.ServiceLoader}). Every mistake is reported
 * through the node with its line and key; the result is always usable. Relative file paths are taken relative to
 * the folder of the configuration file.
 */
public final class BrokerSection implements ConfigSection<BrokerConfig> {

    public static final String KEY = "broker";

    private static final Duration DEFAULT_PERSIST_INTERVAL = Duration.ofSeconds(10);
    private static final Duration DEFAULT_SYS_INTERVAL = Duration.ofSeconds(10);

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public BrokerConfig parse(ConfigNode node, GatewayIdentity gateway) {
        if (node.isMissing()) {
            return BrokerConfig.defaults(gateway.dataDir());
        }
        List<ListenerConfig> listeners = node.keys().contains("listeners") ? listeners(node) : List.of(ListenerConfig.defaultLocal());
        Path passwordFile = node.string("password-file").map(node::resolvePath).orElse(null);
        List<AclRule> acl = node.keys().contains("acl") ? new AclReader().read(node) : null;
        BrokerLimits limits = limits(node.mapping("limits"));
        PersistenceConfig persistence = persistence(node.mapping("persistence"), gateway);
        Duration sys = off(node, "sys-interval") ? null
                : node.duration("sys-interval", DEFAULT_SYS_INTERVAL, Duration.ofSeconds(1), Duration.ofHours(24));
        ClientPolicy clients = clientPolicy(node);
        return new BrokerConfig(listeners, passwordFile, acl, limits, persistence, sys, clients);
    }

    private static ClientPolicy clientPolicy(ConfigNode node) {
        ClientPolicy d = ClientPolicy.DEFAULT;
        boolean anonymousCommands = node.bool("anonymous-commands", d.anonymousCommands());
        ClientPolicy.OtherUserSession other = node.enumValue("other-user-session", ClientPolicy.OtherUserSession.class,
                d.otherUserSession());
        ClientPolicy.DollarPublish dollar = node.enumValue("mqtt3-dollar-publish", ClientPolicy.DollarPublish.class,
                d.mqtt3DollarPublish());
        return new ClientPolicy(anonymousCommands, other, dollar);
    }

    private static List<ListenerConfig> listeners(ConfigNode node) {
        List<ListenerConfig> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, String> endpoints = new HashMap<>();
        for (ConfigNode item : node.list("listeners")) {
            ListenerConfig l = listener(item);
            item.rejectUnknownKeys();
            String name = item.isMapping() ? item.string("name").orElse(null) : null;
            if (name != null && !names.add(name)) {
                item.error("name", "listener name '" + name + "' is used twice; give each listener its own name");
            }
            if (l == null) {
                continue;
            }
            String endpoint = l.bind() + ":" + l.port();
            String previous = endpoints.putIfAbsent(endpoint, l.name());
            if (previous != null && l.port() != 0) {
                item.error("port", "listener " + l.name() + " binds " + endpoint + " like listener " + previous);
            }
            out.add(l);
        }
        return out;
    }

    private static ListenerConfig listener(ConfigNode item) {
        if (!item.isMapping()) {
            item.error("a listener is a mapping such as {name: local, type: tcp, bind: 127.0.0.1, port: 1883}");
            return null;
        }
        String name = item.requiredString("name").orElse("listener");
        ListenerType type = item.enumValue("type", ListenerType.class, ListenerType.TCP);
        String bind = item.string("bind", "127.0.0.1");
        int port = item.integer("port", type.defaultPort(), 0, 65_535);
        String path = null;
        if (type.webSocket()) {
            path = item.string("path", ListenerConfig.DEFAULT_WS_PATH);
            if (!path.startsWith("/")) {
                item.error("path", "a WebSocket path starts with '/', found '" + path + "'");
                path = ListenerConfig.DEFAULT_WS_PATH;
            }
        } else if (item.has("path")) {
            item.error("path", "path is for ws and wss listeners only");
        }
        boolean loopback = ListenerConfig.isLoopback(bind);
        boolean anonymous = item.bool("allow-anonymous", loopback);
        ListenerTlsConfig tls = null;
        ConfigNode tlsNode = item.mapping("tls");
        if (type.secure()) {
            tls = tls(tlsNode);
        } else if (!tlsNode.isMissing()) {
            item.error("tls", "tls settings are for tls and wss listeners; use type: tls or type: wss");
        }
        List<String> origins = List.of();
        if (type.webSocket()) {
            origins = item.has("allowed-origins") ? origins(item) : ListenerConfig.DEFAULT_ORIGINS;
        } else if (item.has("allowed-origins")) {
            item.error("allowed-origins", "allowed-origins is for ws and wss listeners only");
        }
        if (type.secure() && tls == null) {
            return null;
        }
        return new ListenerConfig(name, type, bind, port, path, tls, anonymous, origins);
    }

    /** {@code allowed-origins}: {@code same-host}, {@code *} or origins as browsers send them. */
    private static List<String> origins(ConfigNode item) {
        List<String> out = new ArrayList<>();
        for (String o : item.stringList("allowed-origins")) {
            String problem = OriginRules.problem(o);
            if (problem != null) {
                item.error("allowed-origins", problem);
            } else {
                out.add(OriginRules.normalize(o));
            }
        }
        return out;
    }

    private static ListenerTlsConfig tls(ConfigNode node) {
        if (node.isMissing()) {
            node.error("a tls or wss listener needs tls: {cert: server.pem, key: server.key}");
            return null;
        }
        Path cert = node.requiredString("cert").map(node::resolvePath).orElse(null);
        Path key = node.requiredString("key").map(node::resolvePath).orElse(null);
        Path clientCa = node.string("client-ca").map(node::resolvePath).orElse(null);
        boolean require = node.bool("require-client-cert", false);
        boolean identity = node.bool("identity-as-username", false);
        var keyPassword = node.secret("key-password").orElse(null);
        node.rejectUnknownKeys();
        if (require && clientCa == null) {
            node.error("require-client-cert", "require-client-cert needs client-ca: the CA that signs client certificates");
            require = false;
        }
        if (identity && clientCa == null) {
            node.error("identity-as-username", "identity-as-username needs client-ca: the CA that signs client certificates");
            identity = false;
        }
        if (cert == null || key == null) {
            return null;
        }
        return new ListenerTlsConfig(cert, key, keyPassword, clientCa, require, identity);
    }

    private static BrokerLimits limits(ConfigNode node) {
        BrokerLimits d = BrokerLimits.DEFAULT;
        int maxConnections = node.integer("max-connections", d.maxConnections(), 1, 1_000_000);
        int maxPacket = node.byteSize("max-packet-size", 64, 256L << 20).map(Long::intValue).orElse(d.maxPacketSize());
        long maxQueued = node.byteSize("max-queued-bytes", 1024, 1L << 40).orElse(d.maxQueuedBytes());
        int maxInflight = node.integer("max-inflight", d.maxInflight(), 1, 65_535);
        Duration expiry = node.duration("max-session-expiry", d.maxSessionExpiry(), Duration.ZERO,
                Duration.ofSeconds(0xFFFF_FFFFL));
        Duration keepAlive = node.duration("max-keep-alive", Duration.ofSeconds(1), Duration.ofSeconds(65_535))
                .orElse(null);
        int aliases = node.integer("max-topic-aliases", d.maxTopicAliases(), 0, 65_535);
        Duration connectTimeout = node.duration("connect-timeout", d.connectTimeout(), Duration.ofMillis(100),
                Duration.ofMinutes(10));
        BrokerLimits.Quotas q = BrokerLimits.Quotas.DEFAULT;
        BrokerLimits.Quotas quotas = new BrokerLimits.Quotas(
                node.integer("max-retained-messages", 1, 100_000_000).orElse(q.maxRetainedMessages()),
                node.byteSize("max-retained-bytes", 1024, 1L << 40).orElse(q.maxRetainedBytes()),
                node.byteSize("max-total-queued-bytes", 1024, 1L << 40).orElse(q.maxTotalQueuedBytes()),
                node.integer("max-persistent-sessions", q.maxPersistentSessions(), 1, 10_000_000),
                node.integer("max-subscriptions-per-client", q.maxSubscriptionsPerClient(), 1, 10_000_000),
                node.integer("max-subscriptions", q.maxSubscriptions(), 1, 100_000_000),
                node.integer("max-pending-logins-per-address", q.maxPendingLoginsPerAddress(), 1, 256));
        node.rejectUnknownKeys();
        return new BrokerLimits(maxConnections, maxPacket, maxQueued, maxInflight, expiry, keepAlive, aliases,
                connectTimeout, quotas);
    }

    private static PersistenceConfig persistence(ConfigNode node, GatewayIdentity gateway) {
        boolean enabled = node.bool("enabled", true);
        Duration interval = node.duration("interval", DEFAULT_PERSIST_INTERVAL, Duration.ofMillis(100), Duration.ofHours(24));
        node.rejectUnknownKeys();
        return new PersistenceConfig(enabled, gateway.dataDir().resolve("broker"), interval);
    }

    private static boolean off(ConfigNode node, String key) {
        return node.string(key).map("off"::equalsIgnoreCase).orElse(false);
    }

    /** Reads {@code acl:}, a list of rules. */
    private static final class AclReader {

        List<AclRule> read(ConfigNode node) {
            List<AclRule> rules = new ArrayList<>();
            for (ConfigNode item : node.list("acl")) {
                if (!item.isMapping()) {
                    item.error("an ACL rule is a mapping such as {user: hmi, topic: \"site/#\", access: read}");
                    continue;
                }
                String user = item.string("user").orElse(null);
                String client = item.string("client-id").orElse(null);
                String topic = item.requiredString("topic").orElse(null);
                Access access = item.enumValue("access", Access.class, Access.READWRITE);
                item.rejectUnknownKeys();
                if (client != null && user == null) {
                    // Any client can claim any client id; only a user name is authenticated.
                    item.error("client-id", "a rule for a client id must also name the user it is for (user:), "
                            + "because any client can claim the client id " + client);
                    continue;
                }
                if (topic == null) {
                    continue;
                }
                String problem = TopicFilter.problem(topic.replace("%u", "u").replace("%c", "c"));
                if (problem != null) {
                    item.error("topic", problem);
                    continue;
                }
                rules.add(new AclRule(user, client, topic, access));
            }
            return rules;
        }
    }
}
