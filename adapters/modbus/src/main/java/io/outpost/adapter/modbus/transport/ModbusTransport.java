package io.outpost.adapter.modbus.transport;

/**
 * One link to one or more Modbus units: frames a request PDU for a unit, sends it, and returns the answer's PDU
 * once its framing checks out (length, transaction id or CRC, unit id). Connects lazily and again after a failure.
 *
 * <p><b>Threads.</b> Blocking; called by one thread at a time (the line that owns it). No hidden retries: a
 * request is sent at most once per call.
 */
public interface ModbusTransport extends AutoCloseable {

    /**
     * Sends {@code requestPdu} (function code first) to {@code unitId} and waits for the answer.
     *
     * @return the response PDU (function code first); an exception response is returned, not thrown
     * @throws ModbusTransportException when no well-framed answer arrived in time, or the link is down
     */
    byte[] exchange(int unitId, byte[] requestPdu) throws ModbusTransportException;

    /**
     * Before a request that must not be lost to a connection the peer dropped while idle (a write): checks the
     * link and reconnects if the peer has gone. May block briefly.
     */
    default void refreshIfIdle() {
    }

    /** Drops the connection; the next exchange connects again. */
    void disconnect();

    /** Releases the link for good. */
    @Override
    void close();
}
