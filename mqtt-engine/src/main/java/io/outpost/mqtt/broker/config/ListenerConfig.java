package io.outpost.mqtt.broker.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * One network listener of the broker.
 *
 * @param bind           address to bind: an IP address, a host name, or {@code 0.0.0.0} / {@code ::} for all
 * @param path           HTTP path of WebSocket listeners (default {@code /mqtt}); ignored for tcp and tls
 * @param tls            TLS settings; non-null exactly for tls and wss listeners
 * @param allowAnonymous whether clients without credentials may connect (default: only on loopback binds)
 * @param allowedOrigins ws/wss: the HTTP {@code Origin}s a browser page may connect from ({@code scheme://host[:port]},
 *                       {@link #SAME_HOST} for this machine's own addresses and loopback, {@code *} for any); a
 *                       handshake without an Origin header (not from a browser) is always allowed. Empty for tcp/tls.
 */
public record ListenerConfig(String name, ListenerType type, String bind, int port, String path, ListenerTlsConfig tls,
                             boolean allowAnonymous, List<String> allowedOrigins) {

    public static final String DEFAULT_WS_PATH = "/mqtt";
    /** In {@code allowed-origins}: pages served from loopback or from one of this machine's own addresses or names. */
    public static final String SAME_HOST = "same-host";
    public static final List<String> DEFAULT_ORIGINS = List.of(SAME_HOST);

    /** A listener whose WebSocket Origins are the default ({@link #SAME_HOST}). */
    public ListenerConfig(String name, ListenerType type, String bind, int port, String path, ListenerTlsConfig tls,
                          boolean allowAnonymous) {
        this(name, type, bind, port, path, tls, allowAnonymous, type.webSocket() ? DEFAULT_ORIGINS : List.of());
    }

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(bind, "bind");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, found " + port);
        }
        if (type.secure() != (tls != null)) {
            throw new IllegalArgumentException("listener " + name + ": tls settings are needed exactly for tls and wss");
        }
        path = path == null ? DEFAULT_WS_PATH : path;
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    }

    /** The listener every gateway has when the config has no {@code broker} section: loopback TCP on 1883. */
    public static ListenerConfig defaultLocal() {
        return new ListenerConfig("local", ListenerType.TCP, "127.0.0.1", 1883, null, null, true);
    }

    /** True when {@code bind} is a loopback address ({@code 127.0.0.0/8}, {@code ::1}, {@code localhost}). */
    public static boolean isLoopback(String bind) {
        if (bind.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bind.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            // A host name other than localhost: it could resolve to anything, so it is not treated as loopback.
            return false;
        }
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
