package io.outpost.adapter.modbus.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between the adapter and a real Modbus TCP slave that records every request it passes on (unit,
 * function code, address, quantity), so tests can see which function codes and how many requests were used.
 */
public final class SpyProxy implements AutoCloseable {

    /** One request seen on the way to the slave. */
    public record Seen(int unit, int function, int address, int quantity) {
    }

    private final ServerSocket server;
    private final int targetPort;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public SpyProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::acceptLoop, "spy-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Integer> functions() {
        return seen.stream().map(Seen::function).toList();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket slave = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(slave);
                start(() -> requests(client, slave));
                start(() -> pump(slave.getInputStream(), client.getOutputStream()));
            } catch (IOException e) {
                return;
            }
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    private static void start(Io io) {
        Thread t = new Thread(() -> {
            try {
                io.run();
            } catch (IOException e) {
                // One side closed: the relay of this connection ends, as the real connection would.
            }
        }, "spy-proxy-relay");
        t.setDaemon(true);
        t.start();
    }

    private void requests(Socket client, Socket slave) throws IOException {
        try (client; slave) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = slave.getOutputStream();
            while (true) {
                byte[] header = new byte[7];
                in.readFully(header);
                int length = ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
                byte[] pdu = new byte[length - 1];
                in.readFully(pdu);
                seen.add(new Seen(header[6] & 0xFF, pdu[0] & 0xFF, u16(pdu, 1), pdu.length >= 5 ? u16(pdu, 3) : 0));
                out.write(header);
                out.write(pdu);
                out.flush();
            }
        }
    }

    private static void pump(InputStream in, OutputStream out) throws IOException {
        in.transferTo(out);
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
