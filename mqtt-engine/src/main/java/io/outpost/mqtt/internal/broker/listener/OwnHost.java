package io.outpost.mqtt.internal.broker.listener;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a host named in a web page's Origin is this machine: {@code localhost}, a loopback address, an address of
 * one of its network interfaces, or its host name. Origins are never resolved through DNS (DNS rebinding would make
 * any name look local); the machine's own names and addresses are read once, when the listener starts. Immutable.
 */
final class OwnHost implements Predicate<String> {

    private static final Logger LOG = LoggerFactory.getLogger(OwnHost.class);

    private final Set<InetAddress> addresses;
    private final Set<String> names;

    private OwnHost(Set<InetAddress> addresses, Set<String> names) {
        this.addresses = addresses;
        this.names = names;
    }

    /** Reads this machine's addresses and host name. Blocking (the host name); call it when a listener starts. */
    static OwnHost read() {
        Set<InetAddress> addresses = new HashSet<>();
        Set<String> names = new HashSet<>();
        names.add("localhost");
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    addresses.add(withoutScope(a));
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list the network interfaces; WebSocket origins of this machine count only as loopback: {}",
                    e.toString());
        }
        try {
            names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException e) {
            LOG.debug("this machine's host name is not known: {}", e.toString());
        }
        return new OwnHost(addresses, names);
    }

    @Override
    public boolean test(String host) {
        if (names.contains(host)) {
            return true;
        }
        InetAddress literal = literal(host);
        return literal != null && (literal.isLoopbackAddress() || addresses.contains(withoutScope(literal)));
    }

    /** The address a host written as an IP literal stands for; null for a name (never looked up). */
    private static InetAddress literal(String host) {
        if (!host.matches("[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*")) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress withoutScope(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
