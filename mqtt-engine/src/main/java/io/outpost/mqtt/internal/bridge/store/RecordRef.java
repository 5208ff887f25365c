package io.outpost.mqtt.internal.bridge.store;

/**
 * Where a queued message is: segment file, the record's byte offset and length, and which of the record's items it
 * is (a record of readings holds a poll's worth). Stable for the message's life, so that acknowledgements and QoS 2
 * handshake state written to the journal find it again after a restart: they name it by its {@link #address()}.
 */
public record RecordRef(int classIndex, long segmentId, int offset, int length, int item, int items) {

    public RecordRef {
        if (items < 1 || item < 0 || item >= items || items > length) {
            throw new IllegalArgumentException("item " + item + " of " + items + " in a record of " + length + " bytes");
        }
    }

    /** A record that holds one message. */
    public RecordRef(int classIndex, long segmentId, int offset, int length) {
        this(classIndex, segmentId, offset, length, 0, 1);
    }

    /** The message's address in its segment: the record's offset plus its item index. */
    public int address() {
        return offset + item;
    }

    /** The bytes counted for this item: its share of the record (the first item takes the remainder). */
    public int itemBytes() {
        int share = length / items;
        return item == 0 ? length - (items - 1) * share : share;
    }
}
