package io.outpost.mqtt.bridge.store;

/**
 * Where a stored record is: segment file, byte offset and length. Stable for the record's life, so that
 * acknowledgements and QoS 2 handshake state written to the journal find it again after a restart.
 */
public record RecordRef(int classIndex, long segmentId, int offset, int length) {
}
