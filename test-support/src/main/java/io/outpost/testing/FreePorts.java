package io.outpost.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/**
 * Free ports for tests, so that no test depends on a fixed port.
 *
 * <p>A port is chosen below the kernel's ephemeral range. A port the kernel handed out for "bind to 0" is one it also
 * hands to outgoing connections, and between the test taking it and the server binding it a client connection
 * (the test's own, a peer's) took it: CI failed with "Address already in use". Below the range only listeners
 * compete, and a port is tried on the wildcard address, which is what a test listener bound to 0.0.0.0 needs. A
 * port is handed out once per JVM, so two tests of one run never get the same one.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 2_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int tcp() {
        return pick(FreePorts::tcpFree, "TCP");
    }

    public static int udp() {
        return pick(FreePorts::udpFree, "UDP");
    }

    private static int pick(IntPredicate free, String protocol) {
        int highest = ephemeralLow() - 1;
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            if (HANDED_OUT.add(port) && free.test(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free " + protocol + " port in " + LOWEST + "-" + highest
                + " after " + ATTEMPTS + " attempts");
    }

    private static boolean tcpFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    private static boolean udpFree(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(port))) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    /** The first port of Linux's ephemeral range; its default where the kernel does not say. */
    private static int ephemeralLow() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            // Files.readString reads a /proc file by its reported size and gets its first byte only.
            int low = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
            if (low <= LOWEST + 1_000) {
                throw new IllegalStateException("the ephemeral port range starts at " + low
                        + "; tests need free ports below it, from " + LOWEST);
            }
            return low;
        } catch (IOException | NumberFormatException notLinux) {
            return 32_768;
        }
    }
}
