package io.outpost.adapter.modbus.transport;

/**
 * A link whose device answers with fixed bytes, whatever was asked, then stays silent: what the fuzz targets put
 * on the wire. Never blocks: silence is an immediate timeout. One thread.
 */
final class ScriptedLink implements ByteLink {

    private final byte[] answer;
    private int position;
    private boolean open;
    /** The answer comes once a request was written; before that the line is quiet. */
    private boolean asked;

    ScriptedLink(byte[] answer) {
        this.answer = answer;
    }

    @Override
    public void open() {
        open = true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void write(byte[] data) {
        // The device answers with the script whatever it is asked, once.
        asked = true;
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long deadlineNanos) throws ModbusTransportException {
        if (!asked || position >= answer.length) {
            throw ModbusTransportException.requestFailed(ModbusTransportException.TIMEOUT, "scripted silence");
        }
        int n = Math.min(length, answer.length - position);
        System.arraycopy(answer, position, buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public void discardInput() {
        if (asked) {
            position = answer.length;
        }
    }

    @Override
    public boolean stillOpen() {
        return open;
    }

    @Override
    public String describe() {
        return "scripted";
    }

    @Override
    public void close() {
        open = false;
    }
}
