package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits property references into ReadPropertyMultiple requests that fit the device: each request within its max
 * APDU, each answer within what it can send (one APDU without segmentation, a few segments with it), and no more
 * references than the device has shown it can take. Answer sizes come from what the device sent last time, else
 * from the property's usual encoding; unknown properties are assumed long (64 bytes) so that a first read of
 * strings or lists does not overflow a small device.
 */
final class RpmPlanner {

    /** Bytes of an object identifier with its context tag, plus the opening and closing tags of its list. */
    static final int OBJECT_OVERHEAD = 7;
    /** Bytes of an Error result (error class and code inside their tags). */
    static final int ERROR_RESULT = 8;
    static final int UNKNOWN_VALUE = 64;

    private RpmPlanner() {
    }

    /** The references grouped by object (one object header per group), in batches that fit {@code peer}. */
    static List<List<PropertyRef>> plan(List<PropertyRef> refs, BacnetPeer peer) {
        Map<ObjectIdentifier, List<PropertyRef>> byObject = new LinkedHashMap<>();
        for (PropertyRef r : refs) {
            byObject.computeIfAbsent(r.object(), o -> new ArrayList<>()).add(r);
        }
        List<List<PropertyRef>> batches = new ArrayList<>();
        List<PropertyRef> batch = new ArrayList<>();
        int request = 0;
        int response = 0;
        for (List<PropertyRef> group : byObject.values()) {
            ObjectIdentifier current = null;
            for (PropertyRef r : group) {
                boolean newObject = !r.object().equals(current);
                int req = requestSize(r) + (newObject ? OBJECT_OVERHEAD : 0);
                int resp = responseSize(r, peer) + (newObject ? OBJECT_OVERHEAD : 0);
                boolean full = !batch.isEmpty() && (request + req > peer.requestBudget()
                        || response + resp > peer.responseBudget() || batch.size() >= peer.maxReferences());
                if (full) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                    request = 0;
                    response = 0;
                    newObject = true;
                    req = requestSize(r) + OBJECT_OVERHEAD;
                    resp = responseSize(r, peer) + OBJECT_OVERHEAD;
                }
                batch.add(r);
                request += req;
                response += resp;
                current = r.object();
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    /** A property reference in a request: its identifier and optional index, each with a context tag. */
    static int requestSize(PropertyRef r) {
        return 1 + unsignedLength(r.property()) + (r.index() == null ? 0 : 1 + unsignedLength(r.index()));
    }

    /**
     * A property's result in the answer: reference, opening and closing tags, and the value. Until the device has
     * sent the value once, room is kept for an error result instead, which can be longer than a small value.
     */
    static int responseSize(PropertyRef r, BacnetPeer peer) {
        int learned = peer.valueSize(r);
        int value = learned >= 0 ? learned : Math.max(typicalValueSize(r), ERROR_RESULT);
        return requestSize(r) + 2 + value;
    }

    private static int typicalValueSize(PropertyRef r) {
        if (r.index() != null && r.index() == 0) {
            return 5;
        }
        PropertyIdentifier p = r.propertyIdentifier();
        ObjectType type = r.object().getObjectType();
        if (p.equals(PropertyIdentifier.presentValue)) {
            if (type.isOneOf(ObjectType.analogInput, ObjectType.analogOutput, ObjectType.analogValue)) {
                return 5;
            }
            if (type.isOneOf(ObjectType.binaryInput, ObjectType.binaryOutput, ObjectType.binaryValue,
                    ObjectType.multiStateInput, ObjectType.multiStateOutput, ObjectType.multiStateValue)) {
                return 5;
            }
            return UNKNOWN_VALUE;
        }
        if (p.isOneOf(PropertyIdentifier.statusFlags, PropertyIdentifier.reliability, PropertyIdentifier.units,
                PropertyIdentifier.outOfService, PropertyIdentifier.eventState, PropertyIdentifier.systemStatus,
                PropertyIdentifier.maxApduLengthAccepted, PropertyIdentifier.segmentationSupported,
                PropertyIdentifier.maxSegmentsAccepted, PropertyIdentifier.vendorIdentifier,
                PropertyIdentifier.numberOfStates)) {
            return 5;
        }
        if (p.isOneOf(PropertyIdentifier.timeOfDeviceRestart, PropertyIdentifier.protocolServicesSupported)) {
            return 14;
        }
        return UNKNOWN_VALUE;
    }

    private static int unsignedLength(long v) {
        return v < 0x100 ? 1 : v < 0x1_0000 ? 2 : v < 0x100_0000 ? 3 : 4;
    }
}
