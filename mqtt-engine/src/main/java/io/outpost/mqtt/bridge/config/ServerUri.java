package io.outpost.mqtt.bridge.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * One endpoint of an upstream: {@code mqtt://host[:1883]} or {@code mqtts://host[:8883]} (TLS).
 *
 * @param tls whether the connection uses TLS
 */
public record ServerUri(boolean tls, String host, int port) {

    public ServerUri {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, found " + port);
        }
    }

    /**
     * Parses {@code mqtt://host:port} or {@code mqtts://host:port}.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong
     */
    public static ServerUri parse(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a server URI such as mqtts://broker.example.com:8883");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "mqtt", "tcp" -> false;
            case "mqtts", "ssl", "tls" -> true;
            default -> throw new IllegalArgumentException("'" + text + "' must start with mqtt:// (plain TCP) or mqtts:// (TLS)");
        };
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' names no host; write e.g. mqtts://broker.example.com:8883");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() || uri.getQuery() != null || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("'" + text + "' may only hold a scheme, a host and a port; "
                    + "give username and password as their own keys");
        }
        int port = uri.getPort() < 0 ? (tls ? 8883 : 1883) : uri.getPort();
        return new ServerUri(tls, uri.getHost(), port);
    }

    @Override
    public String toString() {
        return (tls ? "mqtts://" : "mqtt://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
