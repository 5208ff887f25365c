package io.outpost.app.ops;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which {@code Host} headers the operations endpoint answers, against DNS rebinding: a web page from anywhere
 * makes the operator's browser resolve its own name to 127.0.0.1 (or the gateway's address) and would otherwise
 * read the API as if it were the console. A rebinding attack needs a host <em>name</em> it controls, so the
 * endpoint answers IP literals, {@code localhost}, this machine's own names and the names listed in
 * {@code http.allowed-hosts}, and nothing else. Immutable; any thread.
 */
final class HostAllowList {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> names;

    HostAllowList(List<String> configured) {
        Set<String> n = new HashSet<>();
        n.add("localhost");
        try {
            InetAddress self = InetAddress.getLocalHost();
            n.add(self.getHostName().toLowerCase(Locale.ROOT));
            n.add(self.getCanonicalHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException e) {
            // No name for this machine: IP literals and the configured names still work.
        }
        configured.forEach(h -> n.add(h.toLowerCase(Locale.ROOT)));
        this.names = Set.copyOf(n);
    }

    /** True when a request with this {@code Host} header (null when absent) may be answered. */
    boolean allows(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            // An IPv6 literal: [::1] or [::1]:8480.
            return close > 1 && (close == host.length() - 1 || port(host.substring(close + 1)));
        }
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            if (!port(host.substring(colon))) {
                return false;
            }
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return IPV4.matcher(host).matches() || names.contains(host);
    }

    private static boolean port(String colonAndPort) {
        return colonAndPort.length() > 1 && colonAndPort.length() <= 6 && colonAndPort.charAt(0) == ':'
                && colonAndPort.substring(1).chars().allMatch(Character::isDigit);
    }
}
