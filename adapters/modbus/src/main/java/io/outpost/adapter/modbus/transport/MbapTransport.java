package io.outpost.adapter.modbus.transport;

import java.time.Duration;
import java.util.Arrays;

/**
 * Modbus TCP framing: a 7-byte MBAP header (transaction id, protocol 0, length, unit id) before each PDU.
 *
 * <p>Answers are matched by transaction id. An answer to a request that timed out earlier may still arrive; its id
 * is remembered and the frame is dropped. Anything else that does not fit (another protocol id, a length outside
 * 2..254, an unknown transaction id, a truncated frame) fails the request as {@code malformed-frame} and drops the
 * connection, because the byte stream can no longer be trusted to be in step.
 */
final class MbapTransport extends LinkTransport {

    private static final int HEADER = 7;
    private static final int MAX_LENGTH = 254;
    private static final int STALE_IDS = 16;

    private final long timeoutNanos;
    private final byte[] buf = new byte[2 * (6 + MAX_LENGTH)];
    private final int[] staleIds = new int[STALE_IDS];
    private int staleCount;
    private int start;
    private int end;
    private int nextId = 1;

    MbapTransport(ByteLink link, Duration requestTimeout) {
        super(link);
        this.timeoutNanos = requestTimeout.toNanos();
    }

    @Override
    public byte[] exchange(int unitId, byte[] pdu) throws ModbusTransportException {
        connectIfNeeded();
        dropStaleLeftovers();
        int id = nextId;
        nextId = nextId == 0xFFFF ? 1 : nextId + 1;
        byte[] frame = new byte[HEADER + pdu.length];
        frame[0] = (byte) (id >>> 8);
        frame[1] = (byte) id;
        frame[4] = (byte) ((pdu.length + 1) >>> 8);
        frame[5] = (byte) (pdu.length + 1);
        frame[6] = (byte) unitId;
        System.arraycopy(pdu, 0, frame, HEADER, pdu.length);
        link.write(frame);
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (true) {
                fill(HEADER, deadline);
                int length = checkHeader();
                fill(6 + length, deadline);
                int answered = u16(buf, start);
                int unit = buf[start + 6] & 0xFF;
                byte[] response = Arrays.copyOfRange(buf, start + HEADER, start + 6 + length);
                start += 6 + length;
                if (answered != id) {
                    if (isStale(answered)) {
                        continue;
                    }
                    throw malformed("transaction id " + answered + " answers request " + id);
                }
                lastActivityNanos = System.nanoTime();
                if (unit != unitId) {
                    throw ModbusTransportException.requestFailed(ModbusTransportException.MALFORMED, link.describe() + ": unit "
                            + unit + " answered a request to unit " + unitId);
                }
                return response;
            }
        } catch (ModbusTransportException e) {
            if (e.isTimeout()) {
                if (end > start) {
                    throw malformed("incomplete frame: " + (end - start) + " byte(s), then nothing within the timeout");
                }
                rememberStale(id);
            }
            throw e;
        }
    }

    /**
     * Bytes left over from before this request are whole late answers (dropped) or anything else: garbage, or a
     * frame whose length field lied. Then the stream is out of step, and only a new connection puts it right.
     */
    private void dropStaleLeftovers() throws ModbusTransportException {
        while (end > start) {
            if (end - start < HEADER || !plausibleHeader() || end - start < 6 + u16(buf, start + 4)
                    || !isStale(u16(buf, start))) {
                disconnect();
                connectIfNeeded();
                return;
            }
            start += 6 + u16(buf, start + 4);
        }
    }

    private boolean plausibleHeader() {
        int length = u16(buf, start + 4);
        return u16(buf, start + 2) == 0 && length >= 2 && length <= MAX_LENGTH;
    }

    private int checkHeader() throws ModbusTransportException {
        int protocol = u16(buf, start + 2);
        int length = u16(buf, start + 4);
        if (protocol != 0) {
            throw malformed("protocol id " + protocol + " in the MBAP header, expected 0");
        }
        if (length < 2 || length > MAX_LENGTH) {
            throw malformed("MBAP length " + length + " outside 2..254");
        }
        return length;
    }

    private void fill(int needed, long deadline) throws ModbusTransportException {
        if (start + needed > buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < needed) {
            end += link.read(buf, end, buf.length - end, deadline);
        }
    }

    private ModbusTransportException malformed(String message) {
        disconnect();
        return ModbusTransportException.requestFailed(ModbusTransportException.MALFORMED, link.describe() + ": " + message);
    }

    private boolean isStale(int id) {
        for (int i = 0; i < staleCount; i++) {
            if (staleIds[i] == id) {
                return true;
            }
        }
        return false;
    }

    private void rememberStale(int id) {
        if (staleCount == STALE_IDS) {
            System.arraycopy(staleIds, 1, staleIds, 0, STALE_IDS - 1);
            staleCount--;
        }
        staleIds[staleCount++] = id;
    }

    private void connectIfNeeded() throws ModbusTransportException {
        if (!link.isOpen()) {
            start = 0;
            end = 0;
            staleCount = 0;
            link.open();
            lastActivityNanos = System.nanoTime();
        }
    }

    @Override
    public void disconnect() {
        super.disconnect();
        start = 0;
        end = 0;
        staleCount = 0;
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
