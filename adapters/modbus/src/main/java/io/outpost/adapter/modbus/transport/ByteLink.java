package io.outpost.adapter.modbus.transport;

/**
 * A byte stream to a device, a TCP socket or a serial port, under a framing ({@link MbapTransport},
 * {@link RtuTransport}). Blocking; one thread at a time.
 */
interface ByteLink extends AutoCloseable {

    /** Connects or opens the port; fails with a link-down {@link ModbusTransportException}. */
    void open() throws ModbusTransportException;

    boolean isOpen();

    void write(byte[] data) throws ModbusTransportException;

    /**
     * Reads at least one and at most {@code length} bytes, waiting until {@code deadlineNanos} (on the
     * {@link System#nanoTime()} line) at most.
     *
     * @throws ModbusTransportException {@code timeout} when nothing came in time; link-down when the peer closed
     */
    int read(byte[] buffer, int offset, int length, long deadlineNanos) throws ModbusTransportException;

    /** Drops whatever has been received and not read (late answers, line noise). */
    void discardInput() throws ModbusTransportException;

    /** After a long idle spell: false when the peer has closed the link. May block about a millisecond. */
    boolean stillOpen();

    /** For messages, e.g. {@code 127.0.0.1:502}. */
    String describe();

    @Override
    void close();
}
