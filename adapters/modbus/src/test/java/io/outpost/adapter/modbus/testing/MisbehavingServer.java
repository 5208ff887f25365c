package io.outpost.adapter.modbus.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A Modbus TCP (or RTU over TCP) server on loopback that answers each request with whatever the test scripts:
 * correct frames, wrong transaction ids, wrong lengths, garbage, bad CRCs, or nothing at all.
 */
public final class MisbehavingServer implements AutoCloseable {

    /** A request as received: MBAP transaction id (0 for RTU), unit id and PDU. */
    public record Request(int transactionId, int unit, byte[] pdu) {
        public int function() {
            return pdu[0] & 0xFF;
        }

        public int address() {
            return ((pdu[1] & 0xFF) << 8) | (pdu[2] & 0xFF);
        }

        public int quantity() {
            return ((pdu[3] & 0xFF) << 8) | (pdu[4] & 0xFF);
        }
    }

    private final ServerSocket server;
    private final boolean rtu;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<Request, byte[]> script;

    /** @param script the raw bytes to send back for a request, or null to stay silent */
    public MisbehavingServer(boolean rtu, Function<Request, byte[]> script) throws IOException {
        this.rtu = rtu;
        this.script = script;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::acceptLoop, "misbehaving-server");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public void script(Function<Request, byte[]> next) {
        this.script = next;
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                clients.add(s);
                Thread t = new Thread(() -> serve(s), "misbehaving-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                Request r = rtu ? readRtu(in) : readMbap(in);
                byte[] answer = script.apply(r);
                if (answer != null) {
                    out.write(answer);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // The client went away or the server closed: this connection is over.
            clients.remove(s);
        }
    }

    private static Request readMbap(DataInputStream in) throws IOException {
        byte[] header = new byte[7];
        in.readFully(header);
        int length = ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
        byte[] pdu = new byte[length - 1];
        in.readFully(pdu);
        return new Request(((header[0] & 0xFF) << 8) | (header[1] & 0xFF), header[6] & 0xFF, pdu);
    }

    /** Reads (FC 1-6) are 8 bytes; FC 15/16 carry a byte count. CRC is not checked: the client's CRC is tested elsewhere. */
    private static Request readRtu(DataInputStream in) throws IOException {
        byte[] head = new byte[7];
        in.readFully(head);
        int fc = head[1] & 0xFF;
        byte[] rest;
        if (fc == 0x0F || fc == 0x10) {
            byte[] count = new byte[1];
            in.readFully(count);
            rest = new byte[(count[0] & 0xFF) + 2];
            in.readFully(rest);
            byte[] pdu = new byte[6 + rest.length - 2];
            System.arraycopy(head, 1, pdu, 0, 6);
            pdu[5] = count[0];
            System.arraycopy(rest, 0, pdu, 6, rest.length - 2);
            return new Request(0, head[0] & 0xFF, pdu);
        }
        rest = new byte[1];
        in.readFully(rest);
        byte[] pdu = new byte[5];
        System.arraycopy(head, 1, pdu, 0, 5);
        return new Request(0, head[0] & 0xFF, pdu);
    }

    /** Drops every client connection (the server keeps listening). */
    public void dropClients() {
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing to provoke a reconnect; a socket that fails to close is already gone.
            }
        }
        clients.clear();
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropClients();
    }

    // ------------------------------------------------------------------ building answers

    /** A correct read-registers answer PDU with the given register values. */
    public static byte[] registersPdu(int function, int... registers) {
        byte[] pdu = new byte[2 + registers.length * 2];
        pdu[0] = (byte) function;
        pdu[1] = (byte) (registers.length * 2);
        for (int i = 0; i < registers.length; i++) {
            pdu[2 + 2 * i] = (byte) (registers[i] >>> 8);
            pdu[3 + 2 * i] = (byte) registers[i];
        }
        return pdu;
    }

    /** An MBAP frame around {@code pdu}. */
    public static byte[] mbap(int transactionId, int unit, byte[] pdu) {
        return mbap(transactionId, 0, pdu.length + 1, unit, pdu);
    }

    /** An MBAP frame with any protocol id and length field, right or wrong. */
    public static byte[] mbap(int transactionId, int protocol, int length, int unit, byte[] pdu) {
        byte[] f = new byte[7 + pdu.length];
        f[0] = (byte) (transactionId >>> 8);
        f[1] = (byte) transactionId;
        f[2] = (byte) (protocol >>> 8);
        f[3] = (byte) protocol;
        f[4] = (byte) (length >>> 8);
        f[5] = (byte) length;
        f[6] = (byte) unit;
        System.arraycopy(pdu, 0, f, 7, pdu.length);
        return f;
    }

    /** An RTU frame (unit, PDU, CRC low byte first); {@code corruptCrc} flips a CRC bit. */
    public static byte[] rtuFrame(int unit, byte[] pdu, boolean corruptCrc) {
        byte[] f = new byte[pdu.length + 3];
        f[0] = (byte) unit;
        System.arraycopy(pdu, 0, f, 1, pdu.length);
        int crc = 0xFFFF;
        for (int i = 0; i < pdu.length + 1; i++) {
            crc ^= f[i] & 0xFF;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
            }
        }
        f[pdu.length + 1] = (byte) (crc ^ (corruptCrc ? 1 : 0));
        f[pdu.length + 2] = (byte) (crc >>> 8);
        return f;
    }
}
