package io.outpost.adapter.opcua.config;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the OPC UA keys of a device and its points. Reports every mistake through the node (with file, line and
 * key) and always returns a record, using defaults where the input was wrong, so that one load finds them all.
 */
public final class OpcUaConfigReader {

    static final Duration MIN_INTERVAL = Duration.ZERO;
    static final Duration MAX_INTERVAL = Duration.ofHours(1);

    private OpcUaConfigReader() {
    }

    public static OpcUaDeviceSettings device(ConfigNode device) {
        ConfigNode connection = device.mapping("connection");
        String endpoint = endpoint(connection);
        SecurityPolicyName policy = connection.enumValue("security-policy", SecurityPolicyName.class,
                SecurityPolicyName.BASIC256SHA256);
        SecurityModeName defaultMode = policy == SecurityPolicyName.NONE ? SecurityModeName.NONE
                : SecurityModeName.SIGN_AND_ENCRYPT;
        SecurityModeName mode = connection.enumValue("security-mode", SecurityModeName.class, defaultMode);
        if (policy == SecurityPolicyName.NONE && mode != SecurityModeName.NONE) {
            connection.error("security-mode", "security-policy none carries no signatures; use security-mode none, "
                    + "or choose a policy such as basic256sha256 for " + mode.configName());
        } else if (policy != SecurityPolicyName.NONE && mode == SecurityModeName.NONE) {
            connection.error("security-mode", "security-policy " + policy.configName()
                    + " needs security-mode sign or sign-and-encrypt; for no security write security-policy: none");
        }
        UserAuth auth = auth(connection);
        TrustMode trust = connection.choice("trust-server",
                ConfigNode.enumChoices(TrustMode.class)).orElse(TrustMode.PKI);
        Duration keepAlive = connection.duration("keep-alive", OpcUaDeviceSettings.DEFAULT_KEEP_ALIVE,
                Duration.ofMillis(100), Duration.ofMinutes(10));
        int keepAliveFailures = connection.integer("keep-alive-failures",
                OpcUaDeviceSettings.DEFAULT_KEEP_ALIVE_FAILURES, 0, 100);
        Duration sessionTimeout = connection.duration("session-timeout", OpcUaDeviceSettings.DEFAULT_SESSION_TIMEOUT,
                Duration.ofSeconds(10), Duration.ofHours(1));
        connection.rejectUnknownKeys();

        ConfigNode subscription = device.mapping("subscription");
        Duration publishing = subscription.duration("publishing-interval", Duration.ofMillis(10), MAX_INTERVAL)
                .orElse(null);
        subscription.rejectUnknownKeys();
        return new OpcUaDeviceSettings(endpoint, policy, mode, auth, trust, publishing, keepAlive, keepAliveFailures,
                sessionTimeout);
    }

    public static OpcUaPointSettings point(ConfigNode point) {
        boolean hasNode = point.has("node");
        boolean hasPath = point.has("browse-path");
        String[] problem = new String[1];
        NodeAddress address = null;
        if (hasNode && hasPath) {
            point.error("browse-path", "give either node: or browse-path:, not both");
        } else if (hasNode) {
            address = point.string("node").flatMap(t -> NodeAddress.parseNodeId(t, problem)).orElse(null);
            if (address == null && problem[0] != null) {
                point.error("node", problem[0]);
            }
        } else if (hasPath) {
            address = point.string("browse-path").flatMap(t -> NodeAddress.parseBrowsePath(t, problem)).orElse(null);
            if (address == null && problem[0] != null) {
                point.error("browse-path", problem[0]);
            }
        } else {
            point.missing("node", "give the node id, e.g. node: \"ns=2;s=Boiler/Temperature\", "
                    + "or browse-path: /Objects/Boiler/Temperature");
        }
        if (address == null) {
            address = new NodeAddress.Id(org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId.NULL_VALUE, "?");
        }
        PointMode mode = point.enumValue("mode", PointMode.class, PointMode.SUBSCRIBE);
        Duration sampling = point.duration("sampling-interval", MIN_INTERVAL, MAX_INTERVAL).orElse(null);
        int queueSize = point.integer("queue-size", 0, 1, 10_000);
        if (mode == PointMode.POLL) {
            for (String key : new String[] {"sampling-interval", "queue-size"}) {
                if (point.has(key)) {
                    point.error(key, key + " applies to mode: subscribe only; a polled point is read every "
                            + "poll-interval");
                }
            }
        }
        return new OpcUaPointSettings(address, mode, sampling, queueSize);
    }

    private static String endpoint(ConfigNode connection) {
        Optional<String> text = connection.requiredString("endpoint");
        if (text.isEmpty()) {
            return "opc.tcp://127.0.0.1:4840";
        }
        String url = text.get().trim();
        if (!url.startsWith("opc.tcp://")) {
            connection.error("endpoint", "an OPC UA endpoint looks like opc.tcp://host:4840/path, found '" + url + "'");
            return url;
        }
        String rest = url.substring("opc.tcp://".length());
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        if (hostPort.isEmpty()) {
            connection.error("endpoint", "the endpoint names no host, found '" + url + "'");
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && !hostPort.endsWith("]")) {
            String port = hostPort.substring(colon + 1);
            if (!port.chars().allMatch(Character::isDigit) || port.isEmpty()
                    || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535) {
                connection.error("endpoint", "the port must be 1 to 65535, found '" + port + "' in '" + url + "'");
            }
        }
        return url;
    }

    private static UserAuth auth(ConfigNode connection) {
        ConfigNode auth = connection.mapping("auth");
        if (auth.isMissing()) {
            return new UserAuth.Anonymous();
        }
        boolean user = auth.has("username");
        boolean cert = auth.has("certificate");
        UserAuth result = new UserAuth.Anonymous();
        if (user && cert) {
            auth.error("certificate", "give either username/password or certificate/key, not both");
        } else if (user) {
            String name = auth.string("username", "");
            Optional<Secret> password = auth.secret("password");
            if (password.isEmpty() && !auth.has("password")) {
                auth.missing("password", "e.g. password: ${env:PLC_PASSWORD}");
            }
            result = new UserAuth.Username(name, password.orElse(new Secret("")));
        } else if (cert) {
            Path certificate = path(auth, "certificate");
            if (!auth.has("key")) {
                auth.missing("key", "the user certificate's private key, a PKCS#8 PEM file");
            }
            Path key = auth.has("key") ? path(auth, "key") : certificate;
            result = new UserAuth.Certificate(certificate, key);
        } else {
            auth.error("give username: and password:, or certificate: and key:; leave auth out for anonymous");
        }
        auth.allowKeys("username", "password", "certificate", "key");
        auth.rejectUnknownKeys();
        return result;
    }

    /** A file path; relative paths are relative to the config file's folder, like the gateway's data-dir. */
    private static Path path(ConfigNode node, String key) {
        return node.resolvePath(node.string(key, ""));
    }
}
