package io.outpost.app.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports on loopback for the demo's parts: the usual ones when free, else any free one. */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** {@code wanted} when given (0 means any), else {@code usual} when free, else a free port. */
    public static int tcp(Integer wanted, int usual) {
        if (wanted != null && wanted != 0) {
            return wanted;
        }
        if (wanted == null && tcpFree(usual)) {
            return usual;
        }
        return anyTcp();
    }

    public static int anyTcp() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on loopback", e);
        }
    }

    public static int anyUdp() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on loopback", e);
        }
    }

    private static boolean tcpFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
