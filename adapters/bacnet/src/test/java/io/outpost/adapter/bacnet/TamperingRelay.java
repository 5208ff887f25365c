package io.outpost.adapter.bacnet;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Someone in the middle on the BACnet network, between the gateway and a device on loopback: it passes every
 * datagram on both ways, except that the answer to a ReadPropertyMultiple or ReadProperty that asks about one
 * object is replaced by service data of its own, whole or in two segments. The gateway talks to the relay's port
 * as if it were the device's.
 */
final class TamperingRelay implements AutoCloseable {

    private static final int CONFIRMED_REQUEST = 0;
    private static final int SIMPLE_ACK = 2;
    private static final int COMPLEX_ACK = 3;
    private static final int SEGMENT_ACK = 4;
    private static final byte READ_PROPERTY = 12;
    private static final byte READ_PROPERTY_MULTIPLE = 14;

    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress device;
    private final byte[] objectTag;
    private final byte[] readPropertyMultipleAnswer;
    private final byte[] readPropertyAnswer;
    private final boolean segmented;
    /** Invoke ids of the requests whose answers are replaced, with their service choice. */
    private final Map<Integer, Byte> tampered = new ConcurrentHashMap<>();
    private final AtomicInteger replaced = new AtomicInteger();
    private volatile SocketAddress gateway;

    /**
     * @param object the 4-byte object identifier whose reads are answered by the relay
     * @param readPropertyMultipleAnswer service data of the ReadPropertyMultiple answers
     * @param readPropertyAnswer service data of the ReadProperty answers
     * @param segmented whether to send each answer in two segments
     */
    TamperingRelay(int port, int devicePort, byte[] object, byte[] readPropertyMultipleAnswer, byte[] readPropertyAnswer,
                   boolean segmented) throws SocketException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.front = new DatagramSocket(new InetSocketAddress(loopback, port));
        this.back = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.device = new InetSocketAddress(loopback, devicePort);
        this.objectTag = new byte[] {0x0C, object[0], object[1], object[2], object[3]};
        this.readPropertyMultipleAnswer = readPropertyMultipleAnswer.clone();
        this.readPropertyAnswer = readPropertyAnswer.clone();
        this.segmented = segmented;
        start("relay-to-device", front, this::fromGateway);
        start("relay-to-gateway", back, this::fromDevice);
    }

    /** The port the gateway sends to. */
    int port() {
        return front.getLocalPort();
    }

    /** How many answers were replaced so far. */
    int replaced() {
        return replaced.get();
    }

    private interface Handler {
        void handle(DatagramPacket p) throws IOException;
    }

    private static void start(String name, DatagramSocket socket, Handler handler) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[2048];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(p);
                    handler.handle(p);
                } catch (IOException e) {
                    if (!socket.isClosed()) {
                        throw new IllegalStateException(name + " failed", e);
                    }
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private void fromGateway(DatagramPacket p) throws IOException {
        gateway = p.getSocketAddress();
        byte[] d = Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
        int apdu = apduOffset(d);
        // The gateway's acknowledgements of our segments go on to the device too, which ignores them.
        if (apdu > 0 && (d[apdu] & 0xFF) >>> 4 == CONFIRMED_REQUEST && (d[apdu] & 0x08) == 0) {
            byte service = d[apdu + 3];
            if ((service == READ_PROPERTY || service == READ_PROPERTY_MULTIPLE) && contains(d, apdu + 4, objectTag)) {
                tampered.put(d[apdu + 2] & 0xFF, service);
            }
        }
        back.send(new DatagramPacket(d, d.length, device));
    }

    private void fromDevice(DatagramPacket p) throws IOException {
        byte[] d = Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
        SocketAddress to = gateway;
        if (to == null) {
            return;
        }
        int apdu = apduOffset(d);
        int type = apdu > 0 ? (d[apdu] & 0xFF) >>> 4 : -1;
        Byte service = type >= SIMPLE_ACK && type != SEGMENT_ACK ? tampered.remove(d[apdu + 1] & 0xFF) : null;
        if (service == null || type != COMPLEX_ACK) {
            front.send(new DatagramPacket(d, d.length, to));
            return;
        }
        replaced.incrementAndGet();
        byte invokeId = d[apdu + 1];
        byte[] data = service == READ_PROPERTY ? readPropertyAnswer : readPropertyMultipleAnswer;
        if (!segmented) {
            send(to, new byte[] {0x30, invokeId, service}, data);
            return;
        }
        int half = data.length / 2;
        // Segment 0 (more follow, window of 2) and segment 1 (the last): the gateway takes both without waiting.
        send(to, new byte[] {0x3C, invokeId, 0, 2, service}, Arrays.copyOfRange(data, 0, half));
        send(to, new byte[] {0x38, invokeId, 1, 2, service}, Arrays.copyOfRange(data, half, data.length));
    }

    private void send(SocketAddress to, byte[] apduHeader, byte[] serviceData) throws IOException {
        int length = 4 + 2 + apduHeader.length + serviceData.length;
        byte[] out = new byte[length];
        out[0] = (byte) 0x81; // BVLC: BACnet/IP, original unicast NPDU
        out[1] = 0x0A;
        out[2] = (byte) (length >> 8);
        out[3] = (byte) length;
        out[4] = 0x01; // NPDU version, no addresses, no reply expected
        out[5] = 0x00;
        System.arraycopy(apduHeader, 0, out, 6, apduHeader.length);
        System.arraycopy(serviceData, 0, out, 6 + apduHeader.length, serviceData.length);
        front.send(new DatagramPacket(out, out.length, to));
    }

    /**
     * Where the APDU starts: after the BVLC header of a unicast and an NPDU without network addresses (all on one
     * link); -1 for anything else (broadcasts, network messages), which is passed on as it is.
     */
    private static int apduOffset(byte[] d) {
        boolean unicast = d.length > 6 && (d[0] & 0xFF) == 0x81 && d[1] == 0x0A;
        return unicast && d[4] == 0x01 && (d[5] & 0xA8) == 0 ? 6 : -1;
    }

    private static boolean contains(byte[] d, int from, byte[] what) {
        for (int i = from; i + what.length <= d.length; i++) {
            if (Arrays.equals(d, i, i + what.length, what, 0, what.length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        front.close();
        back.close();
    }
}
