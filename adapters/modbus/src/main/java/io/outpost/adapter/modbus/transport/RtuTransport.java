package io.outpost.adapter.modbus.transport;

import io.outpost.adapter.modbus.codec.Crc16;
import io.outpost.adapter.modbus.codec.ModbusPdu;
import java.time.Duration;
import java.util.Arrays;

/**
 * Modbus RTU framing (unit id, PDU, CRC-16, frames separated by 3.5 characters of silence) over a serial port or
 * a TCP socket to a serial-to-Ethernet converter.
 *
 * <p>RTU frames carry no length, so the reader works it out from the function code and byte count of the answer.
 * Before each request the line must have been quiet for the frame gap, and whatever arrived unasked is dropped;
 * after a timeout the line must stay quiet a little longer, so that a late answer cannot be taken for the answer
 * to the next request. A frame with a bad CRC fails with {@code crc-error}; one that cannot be an answer to the
 * request (other function code, other unit, wrong length) fails with {@code malformed-frame}.
 */
final class RtuTransport extends LinkTransport {

    private static final int MAX_FRAME = 256;

    private final long timeoutNanos;
    private final long characterNanos;
    private final long frameGapNanos;
    private final long afterTimeoutQuietNanos;
    private final byte[] frame = new byte[MAX_FRAME];
    private boolean timedOut;

    /**
     * @param characterNanos time of one character on the wire, 0 when the link is TCP (the converter times the
     *                       serial side itself)
     */
    RtuTransport(ByteLink link, Duration requestTimeout, long characterNanos, long frameGapNanos) {
        super(link);
        this.timeoutNanos = requestTimeout.toNanos();
        this.characterNanos = characterNanos;
        this.frameGapNanos = frameGapNanos;
        this.afterTimeoutQuietNanos = Math.min(timeoutNanos / 2, 200_000_000L);
    }

    @Override
    public byte[] exchange(int unitId, byte[] pdu) throws ModbusTransportException {
        if (!link.isOpen()) {
            link.open();
            lastActivityNanos = System.nanoTime();
        }
        awaitSilence(timedOut ? Math.max(afterTimeoutQuietNanos, frameGapNanos) : frameGapNanos);
        timedOut = false;
        byte[] request = new byte[pdu.length + 3];
        request[0] = (byte) unitId;
        System.arraycopy(pdu, 0, request, 1, pdu.length);
        int crc = Crc16.of(request, 0, pdu.length + 1);
        request[pdu.length + 1] = (byte) crc;
        request[pdu.length + 2] = (byte) (crc >>> 8);
        link.write(request);
        long sent = System.nanoTime();
        lastActivityNanos = sent;
        long deadline = sent + request.length * characterNanos + timeoutNanos;
        int got = 0;
        try {
            got = readExactly(0, 2, deadline);
            int function = pdu[0] & 0xFF;
            int answered = frame[1] & 0xFF;
            int length;
            if (answered == (function | 0x80)) {
                length = 5;
            } else if (answered == function) {
                int body = ModbusPdu.fixedResponseBody(function);
                if (body < 0) {
                    got = readExactly(2, 1, restDeadline(deadline, 1));
                    body = 1 + (frame[2] & 0xFF);
                }
                length = 2 + body + 2;
                if (length > MAX_FRAME) {
                    // A byte count of 252-255 cannot be a Modbus answer (an RTU frame has at most 256 bytes).
                    throw garbage("byte count " + (frame[2] & 0xFF) + " makes a " + length + "-byte frame, over the "
                            + MAX_FRAME + "-byte limit");
                }
            } else {
                throw garbage(String.format("function code 0x%02X answers a request with 0x%02X", answered, function));
            }
            got = readExactly(got, length - got, restDeadline(deadline, length - got));
            lastActivityNanos = System.nanoTime();
            if (!Crc16.matches(frame, length)) {
                throw garbage(ModbusTransportException.CRC_ERROR, "CRC mismatch in a " + length + "-byte answer from unit "
                        + (frame[0] & 0xFF));
            }
            if ((frame[0] & 0xFF) != unitId) {
                throw garbage("unit " + (frame[0] & 0xFF) + " answered a request to unit " + unitId);
            }
            return Arrays.copyOfRange(frame, 1, length - 2);
        } catch (ModbusTransportException e) {
            if (e.isTimeout()) {
                timedOut = true;
                if (got > 0) {
                    throw garbage("incomplete frame: " + got + " byte(s), then silence");
                }
            }
            throw e;
        }
    }

    /** Reads up to the full frame; the rest of a started frame gets its transmission time plus generous slack. */
    private long restDeadline(long requestDeadline, int bytes) {
        return Math.max(requestDeadline, System.nanoTime() + 2 * bytes * characterNanos + 50_000_000L);
    }

    private int readExactly(int offset, int count, long deadline) throws ModbusTransportException {
        int at = offset;
        while (at < offset + count) {
            at += link.read(frame, at, offset + count - at, deadline);
        }
        return at;
    }

    private ModbusTransportException garbage(String message) throws ModbusTransportException {
        return garbage(ModbusTransportException.MALFORMED, message);
    }

    /** The rest of a bad frame is dropped after the line goes quiet, so the next request starts in step. */
    private ModbusTransportException garbage(String reason, String message) throws ModbusTransportException {
        timedOut = true;
        awaitSilence(Math.max(frameGapNanos, afterTimeoutQuietNanos / 4));
        return ModbusTransportException.requestFailed(reason, link.describe() + ": " + message);
    }

    /** Waits until nothing has arrived for {@code quietNanos}, dropping what does arrive (bounded by the timeout). */
    private void awaitSilence(long quietNanos) throws ModbusTransportException {
        long giveUp = System.nanoTime() + timeoutNanos;
        byte[] sink = new byte[MAX_FRAME];
        while (true) {
            long now = System.nanoTime();
            long quietUntil = lastActivityNanos + quietNanos;
            if (now >= quietUntil || now >= giveUp) {
                link.discardInput();
                return;
            }
            try {
                link.read(sink, 0, sink.length, quietUntil);
                lastActivityNanos = System.nanoTime();
            } catch (ModbusTransportException e) {
                if (!e.isTimeout()) {
                    throw e;
                }
                // Silence until quietUntil: exactly what we were waiting for.
            }
        }
    }

}
