package io.outpost.mqtt.internal.bridge.store;

/**
 * The state of a QoS 2 handshake with the upstream, kept in the store so that it survives a crash: the packet id
 * the PUBLISH went out with and whether the upstream's PUBREC came (then only PUBREL is ever sent again, never the
 * PUBLISH, so the upstream cannot deliver the message twice). Names its message by segment and address.
 */
public record Qos2Mark(long segmentId, int address, int packetId, boolean released) {

    public Qos2Mark {
        if (packetId < 1 || packetId > 65_535) {
            throw new IllegalArgumentException("packetId must be between 1 and 65535, found " + packetId);
        }
    }

    public Qos2Mark(RecordRef ref, int packetId, boolean released) {
        this(ref.segmentId(), ref.address(), packetId, released);
    }
}
