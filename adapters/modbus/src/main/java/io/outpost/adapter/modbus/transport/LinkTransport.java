package io.outpost.adapter.modbus.transport;

/**
 * What the framings over a {@link ByteLink} share: connection state, and the idle check before a write that must
 * not go out on a connection the device has dropped.
 */
abstract class LinkTransport implements ModbusTransport {

    private static final long IDLE_CHECK_NANOS = 1_000_000_000L;

    protected final ByteLink link;
    /** When bytes last went either way; written and read on the line's thread only. */
    protected long lastActivityNanos = System.nanoTime();

    LinkTransport(ByteLink link) {
        this.link = link;
    }

    @Override
    public void refreshIfIdle() {
        if (link.isOpen() && System.nanoTime() - lastActivityNanos > IDLE_CHECK_NANOS && !link.stillOpen()) {
            disconnect();
        }
    }

    @Override
    public void disconnect() {
        link.close();
    }

    @Override
    public void close() {
        disconnect();
    }
}
