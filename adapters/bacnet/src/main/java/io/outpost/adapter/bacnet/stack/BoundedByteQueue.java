package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.util.sero.ByteQueue;
import java.nio.charset.Charset;

/**
 * Received bytes that bacnet4j may read only so often while it decodes them: {@link #READS_PER_BYTE} reads per
 * byte (plus {@link #MINIMUM_READS}), then every read fails with {@link DecodeNotEnding}. A decode pops each byte
 * once and peeks at each tag a few times: 2 to 3 reads per byte, the same for 200 bytes as for 200 kB (measured
 * by {@code BoundedByteQueueTest}). One that goes on far beyond that is looking at the same bytes again and again,
 * as bacnet4j does forever on some encodings, so ending it loses nothing that would have decoded. The bound grows
 * with the data, so a large answer gets as much room per byte as a small one: it is no size limit, and no time
 * limit that a busy machine could hit.
 *
 * <p>Backstop behind {@link ApduGuard}: the guard refuses the encodings that are known to keep bacnet4j going, with
 * a reason; this ends whatever else would, such as a context tag whose length does not match the type bacnet4j
 * reads in its place (it reads an object identifier as 4 bytes whatever the tag says, and then reads the rest of
 * the tag's content as tags). Clones share the budget (bacnet4j clones a queue to read a value a second time).
 * Confined to the thread that decodes.
 */
final class BoundedByteQueue extends ByteQueue {

    /** Reads allowed per byte: decoding takes 2 to 3 (see above), so this leaves a margin of 30 and more. */
    static final int READS_PER_BYTE = 100;
    /** Reads allowed whatever the size: decoding a few bytes takes a few dozen. */
    static final int MINIMUM_READS = 10_000;

    /** The reads used and allowed; one object shared with the clones bacnet4j makes. */
    private static final class Budget {
        long used;
        long allowed;
    }

    /** A decode that read its data {@link #READS_PER_BYTE} times per byte and had not ended. */
    static final class DecodeNotEnding extends RuntimeException {

        private static final long serialVersionUID = 1L;

        DecodeNotEnding(long reads, int bytes) {
            super("bacnet4j made " + reads + " reads of its " + bytes + " bytes without finishing: an encoding it"
                    + " decodes forever", null, false, false);
        }
    }

    /**
     * bacnet4j asked for more bytes than are left: it read a length where the data has none (out of step, see
     * above) and has already made room for it; ending here spares it the work on that room (a 1.6 GB BigInteger
     * took 14 s: found by fuzzing).
     */
    static final class ReadBeyondTheData extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ReadBeyondTheData(int wanted, int left) {
            super("bacnet4j read a length of " + wanted + " bytes where " + left + " are left", null, false, false);
        }
    }

    private final Budget budget = new Budget();
    private int armedFor;

    BoundedByteQueue(byte[] data) {
        super(data);
        arm();
    }

    /**
     * Allows {@link #READS_PER_BYTE} reads per byte of what the queue holds now, counted from now: for data that is
     * appended to after construction (the segments of an answer), call it once the data is complete.
     */
    void arm() {
        armedFor = size();
        budget.used = 0;
        budget.allowed = (long) READS_PER_BYTE * armedFor + MINIMUM_READS;
    }

    /** Reads so far since {@link #arm()}, for tests. */
    long reads() {
        return budget.used;
    }

    private void read() {
        if (++budget.used > budget.allowed) {
            throw new DecodeNotEnding(budget.used, armedFor);
        }
    }

    private void read(int length) {
        read();
        if (length > size()) {
            throw new ReadBeyondTheData(length, size());
        }
    }

    @Override
    public byte pop() {
        read();
        return super.pop();
    }

    @Override
    public int popU1B() {
        read();
        return super.popU1B();
    }

    @Override
    public int popU2B() {
        read();
        return super.popU2B();
    }

    @Override
    public int popU3B() {
        read();
        return super.popU3B();
    }

    @Override
    public short popS2B() {
        read();
        return super.popS2B();
    }

    @Override
    public int popS4B() {
        read();
        return super.popS4B();
    }

    @Override
    public long popU4B() {
        read();
        return super.popU4B();
    }

    @Override
    public int pop(byte[] buf) {
        read(buf.length);
        return super.pop(buf);
    }

    @Override
    public int pop(byte[] buf, int pos, int length) {
        read(length);
        return super.pop(buf, pos, length);
    }

    @Override
    public int pop(int length) {
        read(length);
        return super.pop(length);
    }

    @Override
    public String popString(int length, Charset charset) {
        read(length);
        return super.popString(length, charset);
    }

    @Override
    public byte[] popAll() {
        read();
        return super.popAll();
    }

    @Override
    public byte tailPop() {
        read();
        return super.tailPop();
    }

    @Override
    public byte peek(int index) {
        read();
        return super.peek(index);
    }

    @Override
    public byte[] peek(int index, int length) {
        read();
        return super.peek(index, length);
    }

    @Override
    public byte[] peekAll() {
        read();
        return super.peekAll();
    }

    @Override
    public int peek(byte[] buf) {
        read(buf.length);
        return super.peek(buf);
    }

    @Override
    public int peek(byte[] buf, int pos, int length) {
        read(length);
        return super.peek(buf, pos, length);
    }

    @Override
    public int indexOf(byte b, int start) {
        read();
        return super.indexOf(b, start);
    }

    @Override
    public int indexOf(byte[] b, int start) {
        read();
        return super.indexOf(b, start);
    }
}
