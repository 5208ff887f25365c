package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.type.constructed.Address;
import com.serotonin.bacnet4j.type.constructed.PropertyValue;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;

/**
 * What the stack tells one adapter about its remote device. Called on bacnet4j's threads, which serve every
 * device of the gateway: implementations must return at once and never block.
 */
public interface PeerListener {

    /**
     * A COV notification for a subscription with this listener's process identifier.
     *
     * @param source the network address it came from (null when the stack could not tell), for the listener to
     *               check against its device's address: process identifiers and device instances are guessable
     */
    void covNotification(Address source, ObjectIdentifier object, SequenceOf<PropertyValue> values);

    /**
     * The device announced itself (an I-Am or a restart notification): it may have restarted and forgotten its
     * subscriptions.
     */
    void announced(String how);
}
