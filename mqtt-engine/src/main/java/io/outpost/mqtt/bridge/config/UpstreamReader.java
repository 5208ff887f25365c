package io.outpost.mqtt.bridge.config;

import io.outpost.core.config.BackoffConfig;
import io.outpost.core.config.ByteSizes;
import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.config.Secret;
import io.outpost.core.config.BackoffReader;
import io.outpost.core.config.Identifiers;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.bridge.config.ForwardRule.RetainMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads one item of the {@code upstreams:} list. */
final class UpstreamReader {

    static final BackoffConfig DEFAULT_BACKOFF = new BackoffConfig(Duration.ofSeconds(1), Duration.ofMinutes(2), 2.0, 0.3);
    static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(1);
    static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);
    private static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFF_FFFEL;
    private static final Map<String, MqttProtocol> VERSIONS = new LinkedHashMap<>();

    static {
        VERSIONS.put("3.1.1", MqttProtocol.V3_1_1);
        VERSIONS.put("5", MqttProtocol.V5);
        VERSIONS.put("5.0", MqttProtocol.V5);
    }

    private final GatewayIdentity gateway;
    private final TlsReader tlsReader = new TlsReader();
    private final StoreReader storeReader = new StoreReader();

    UpstreamReader(GatewayIdentity gateway) {
        this.gateway = gateway;
    }

    Optional<UpstreamConfig> read(ConfigNode node) {
        if (!node.isMapping()) {
            node.error("an upstream is a mapping of keys (name:, servers:, forward:, ...)");
            return Optional.empty();
        }
        int problemsBefore = node.problems().size();
        String name = node.requiredString("name").orElse("");
        if (!name.isEmpty()) {
            Identifiers.check(node, "name", name);
        }
        List<ServerUri> servers = readServers(node);
        MqttProtocol protocol = node.choice("mqtt-version", VERSIONS).orElse(MqttProtocol.V5);
        String clientId = node.string("client-id", gateway.id());
        if (clientId.isEmpty() || clientId.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            node.error("client-id", "must be 1 to 65535 bytes long");
        }
        String username = node.string("username").orElse(null);
        Secret password = node.secret("password").orElse(null);
        if (password != null && username == null && protocol == MqttProtocol.V3_1_1) {
            node.error("password", "MQTT 3.1.1 sends a password only with a username; add username:");
        }
        ConfigNode tlsNode = node.mapping("tls");
        UpstreamTlsConfig tls = tlsReader.read(tlsNode);
        if (!tlsNode.isMissing() && servers.stream().noneMatch(ServerUri::tls)) {
            node.error("tls", "TLS settings are given but no server is mqtts://");
        }
        Duration keepAlive = node.duration("keep-alive", Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(65_535));
        if (!keepAlive.isZero() && keepAlive.toMillis() % 1000 != 0) {
            node.error("keep-alive", "MQTT counts keep-alive in whole seconds");
        }
        boolean cleanStart = node.bool("clean-start", false);
        Duration sessionExpiry = readSessionExpiry(node);
        Duration connectTimeout = node.duration("connect-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(5));
        UplinkReader uplinkReader = new UplinkReader(gateway);
        SparkplugConfig sparkplug = uplinkReader.readSparkplug(node);
        boolean sparkplugMode = node.has("mode") && "sparkplug".equalsIgnoreCase(node.string("mode", ""));
        List<ForwardRule> forward = readForward(node, uplinkReader, sparkplugMode);
        List<ReverseRule> reverse = readReverse(node);
        if (sparkplugMode && !reverse.isEmpty()) {
            node.error("reverse", "a Sparkplug upstream takes commands as NCMD/DCMD; remove reverse:");
        }
        checkPlaintext(node, servers, password, reverse, sparkplugMode);
        if (forward.isEmpty() && reverse.isEmpty() && !node.has("forward") && !node.has("reverse")) {
            node.missing("forward", "rules saying which local topics go to this upstream, e.g. "
                    + "[{from: \"" + gateway.site() + "/#\", to: \"sites/{topic}\", qos: 1}]");
        }
        if (forward.stream().anyMatch(r -> r.qos() == 2) && (cleanStart || Duration.ZERO.equals(sessionExpiry))) {
            node.error(cleanStart ? "clean-start" : "session-expiry", "QoS 2 forwarding keeps its exactly-once "
                    + "handshake across reconnects only in a persistent session: use clean-start: false and a session-expiry");
        }
        StoreConfig store = storeReader.read(node.mapping("store"));
        // MQTT 5 servers announce their Receive Maximum and the window is lowered to it; a 3.1.1 server cannot, and
        // some (mosquitto: 20) silently drop QoS 2 messages beyond their limit, so 3.1.1 starts from a safe 20.
        int window = node.integer("inflight-window", protocol == MqttProtocol.V5 ? 1000 : 20, 1, 65_535);
        long rateLimit = readRateLimit(node);
        Duration stallTimeout = "auto".equalsIgnoreCase(node.string("stall-timeout", "auto").trim()) ? null
                : node.duration("stall-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1));
        BackoffConfig backoff = BackoffReader.read(node.mapping("backoff"), DEFAULT_BACKOFF, Duration.ofMillis(100));
        Duration probeInterval = node.duration("probe-interval", DEFAULT_PROBE_INTERVAL, Duration.ofMillis(100), Duration.ofMinutes(10));
        Duration statusInterval = node.duration("status-interval", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofHours(1));
        WillConfig will = uplinkReader.readWill(node, sparkplugMode);
        boolean aliases = node.bool("topic-aliases", true);
        int replayShare = uplinkReader.readReplayShare(node);
        List<String> classNames = new ArrayList<>(store.classes().stream().map(PriorityClass::name).toList());
        if (!classNames.contains(PriorityClass.DEFAULT_NAME)) {
            classNames.add(PriorityClass.DEFAULT_NAME);
        }
        BudgetConfig budget = uplinkReader.readBudget(node, classNames);
        UplinkConfig uplink = new UplinkConfig(sparkplug, uplinkReader.dictionaries(), will, aliases, replayShare, budget);
        node.rejectUnknownKeys();
        if (node.problems().size() > problemsBefore || servers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new UpstreamConfig(name, servers, protocol, clientId, username, password, tls, keepAlive,
                cleanStart, sessionExpiry, connectTimeout, forward, reverse, store, window, rateLimit, stallTimeout,
                backoff, probeInterval, statusInterval, uplink));
    }

    /**
     * A password, or commands that write to devices (reverse rules, Sparkplug NCMD/DCMD), over plain TCP can be read
     * or forged by anyone on the path: refused unless the upstream says {@code allow-plaintext: true} (a broker on
     * the same machine or an isolated network).
     */
    private static void checkPlaintext(ConfigNode node, List<ServerUri> servers, Secret password,
                                       List<ReverseRule> reverse, boolean sparkplug) {
        boolean allowed = node.bool("allow-plaintext", false);
        List<ServerUri> plain = servers.stream().filter(s -> !s.tls()).toList();
        if (allowed || plain.isEmpty()) {
            return;
        }
        List<String> what = new ArrayList<>();
        if (password != null) {
            what.add("the password");
        }
        if (!reverse.isEmpty() || sparkplug) {
            what.add("commands to devices (" + (sparkplug ? "Sparkplug NCMD/DCMD" : "reverse rules") + ")");
        }
        if (!what.isEmpty()) {
            node.error("servers", plain.get(0) + " is plain TCP: " + String.join(" and ", what) + " would travel "
                    + "unencrypted and could be read or forged on the network; use mqtts://, or set "
                    + "allow-plaintext: true on this upstream if the path is trusted (same machine, isolated network)");
        }
    }

    private static List<ServerUri> readServers(ConfigNode node) {
        if (!node.has("servers")) {
            node.missing("servers", "the broker's URIs tried in order, e.g. [\"mqtts://broker.example.com:8883\"]");
            return List.of();
        }
        List<ServerUri> servers = new ArrayList<>();
        for (String text : node.stringList("servers")) {
            try {
                servers.add(ServerUri.parse(text));
            } catch (IllegalArgumentException e) {
                node.error("servers", e.getMessage());
            }
        }
        if (servers.isEmpty() && node.stringList("servers").isEmpty()) {
            node.error("servers", "give at least one server URI");
        }
        return servers;
    }

    /** A duration, or {@code never} (null): the session outlives any outage. */
    private static Duration readSessionExpiry(ConfigNode node) {
        if ("never".equals(node.string("session-expiry", "").toLowerCase(Locale.ROOT))) {
            return null;
        }
        return node.duration("session-expiry", DEFAULT_SESSION_EXPIRY, Duration.ZERO, Duration.ofSeconds(MAX_SESSION_EXPIRY_SECONDS));
    }

    /** Bytes per second such as {@code 64KB} or {@code 64KB/s}; {@code off} or 0 for no limit. */
    private static long readRateLimit(ConfigNode node) {
        String text = node.string("rate-limit", "off").trim().toLowerCase(Locale.ROOT);
        if (text.equals("off")) {
            return 0;
        }
        String bytes = text.endsWith("/s") ? text.substring(0, text.length() - 2) : text;
        Optional<Long> parsed = ByteSizes.parse(bytes);
        if (parsed.isEmpty()) {
            node.error("rate-limit", "expected bytes per second such as 64KB or 1MB/s, or off, found '" + text + "'");
            return 0;
        }
        if (parsed.get() != 0 && parsed.get() < 1024) {
            node.error("rate-limit", "must be at least 1KB per second (or off), found " + parsed.get());
            return 0;
        }
        return parsed.get();
    }

    private List<ForwardRule> readForward(ConfigNode node, UplinkReader uplinkReader, boolean sparkplug) {
        List<ForwardRule> rules = new ArrayList<>();
        for (ConfigNode item : node.list("forward")) {
            TopicRewrite rewrite = readRewrite(item, "a local topic filter such as \"" + gateway.site() + "/#\"", true);
            int qos = item.integer("qos", 1, 0, 2);
            RetainMode retain = readRetain(item);
            Packing packing = uplinkReader.readPacking(item, sparkplug, rewrite != null && rewrite.usesDevice());
            if (packing != null && packing.format().batches() && item.has("retain")) {
                item.error("retain", "batches are never retained (each carries many points); remove retain:");
            }
            item.rejectUnknownKeys();
            if (rewrite != null) {
                rules.add(new ForwardRule(rewrite, qos, retain, packing));
            }
        }
        return rules;
    }

    private List<ReverseRule> readReverse(ConfigNode node) {
        List<ReverseRule> rules = new ArrayList<>();
        for (ConfigNode item : node.list("reverse")) {
            TopicRewrite rewrite = readRewrite(item, "a topic filter on the upstream such as \"commands/" + gateway.id() + "/#\"", false);
            int qos = item.integer("qos", 1, 0, 2);
            item.rejectUnknownKeys();
            if (rewrite != null) {
                rules.add(new ReverseRule(rewrite, qos));
            }
        }
        return rules;
    }

    private TopicRewrite readRewrite(ConfigNode item, String fromHint, boolean forward) {
        Optional<String> from = item.requiredString("from");
        String to = item.string("to", "{topic}");
        if (from.isEmpty()) {
            if (!item.has("from")) {
                item.error("from", "give " + fromHint);
            }
            return null;
        }
        String problem = TopicFilter.problem(from.get());
        if (problem != null) {
            item.error("from", problem);
            return null;
        }
        try {
            return TopicRewrite.parse(to, TopicFilter.parse(from.get()), gateway.id(), gateway.site(), forward);
        } catch (IllegalArgumentException e) {
            item.error("to", e.getMessage());
            return null;
        }
    }

    private static RetainMode readRetain(ConfigNode item) {
        String text = item.string("retain", "as-published").toLowerCase(Locale.ROOT);
        return switch (text) {
            case "as-published" -> RetainMode.AS_PUBLISHED;
            case "true" -> RetainMode.TRUE;
            case "false" -> RetainMode.FALSE;
            default -> {
                item.error("retain", "expected as-published, true or false, found '" + text + "'");
                yield RetainMode.AS_PUBLISHED;
            }
        };
    }
}
