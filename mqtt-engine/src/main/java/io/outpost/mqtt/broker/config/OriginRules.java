package io.outpost.mqtt.broker.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The HTTP {@code Origin} rules of WebSocket listeners: which web pages a browser may open an MQTT connection from.
 * A browser sends the page's origin with every WebSocket handshake and lets any page connect anywhere, so without
 * this check any web site a local operator visits could write to the gateway (cross-site WebSocket hijacking).
 * Programs that are not browsers send no Origin and are not concerned. Stateless.
 *
 * <p>Entries: {@code scheme://host[:port]} as browsers write origins, {@value ListenerConfig#SAME_HOST} (loopback and
 * this machine's own addresses and host name, never resolved through DNS, so DNS rebinding does not pass), or
 * {@code *} (any page; only for listeners that need no protection).
 */
public final class OriginRules {

    private OriginRules() {
    }

    /** Why a configured entry is not usable, or null. */
    public static String problem(String entry) {
        if (entry.equals("*") || entry.equalsIgnoreCase(ListenerConfig.SAME_HOST)) {
            return null;
        }
        Origin o = Origin.parse(entry);
        return o == null ? "'" + entry + "' is not an origin such as https://hmi.example.com or http://10.0.0.5:1880 "
                + "(or same-host, or *)" : null;
    }

    /** The entry in the form {@link #allows} compares. */
    public static String normalize(String entry) {
        if (entry.equals("*") || entry.equalsIgnoreCase(ListenerConfig.SAME_HOST)) {
            return entry.toLowerCase(Locale.ROOT);
        }
        return Origin.parse(entry).toString();
    }

    /**
     * Whether a handshake's Origin header may connect.
     *
     * @param header   the Origin header as received, or null when there was none
     * @param sameHost whether a host (lower case, IPv6 without brackets) is loopback or this machine
     */
    public static boolean allows(List<String> entries, String header, Predicate<String> sameHost) {
        if (header == null) {
            return true;
        }
        Origin origin = Origin.parse(header.trim());
        for (String e : entries) {
            if (e.equals("*")) {
                return true;
            }
            if (origin == null) {
                // "null" (sandboxed pages, files) and garbage match nothing but "*".
                continue;
            }
            if (e.equals(ListenerConfig.SAME_HOST)) {
                if (sameHost.test(origin.host)) {
                    return true;
                }
            } else if (origin.toString().equals(e)) {
                return true;
            }
        }
        return false;
    }

    /** An origin: scheme, host (lower case, IPv6 without brackets) and port (the scheme's default made explicit). */
    private record Origin(String scheme, String host, int port) {

        static Origin parse(String text) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                return null;
            }
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost();
            if (scheme == null || host == null || uri.getRawUserInfo() != null
                    || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return null;
            }
            int port = uri.getPort();
            if (port < 0) {
                port = switch (scheme) {
                    case "http", "ws" -> 80;
                    case "https", "wss" -> 443;
                    default -> -1;
                };
            }
            host = host.toLowerCase(Locale.ROOT);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new Origin(scheme, host, port);
        }

        @Override
        public String toString() {
            return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + (port < 0 ? "" : ":" + port);
        }
    }
}
