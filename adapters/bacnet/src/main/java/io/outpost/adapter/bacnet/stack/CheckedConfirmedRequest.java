package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.apdu.ConfirmedRequest;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.exception.BACnetRejectException;
import com.serotonin.bacnet4j.type.enumerated.RejectReason;

/**
 * A confirmed request from the network (a confirmed COV notification, a read of our device object) that bacnet4j
 * decodes from a {@link BoundedByteQueue}, once it has checked that we serve the service. A decode that would not
 * end, or that fails with an unchecked exception (which bacnet4j would log as an error for every such datagram),
 * is rejected: bacnet4j answers the sender with a Reject. {@link GuardedTransport} has checked the encoding
 * already. Decoded on bacnet4j's transport thread.
 */
final class CheckedConfirmedRequest extends ConfirmedRequest {

    CheckedConfirmedRequest(ConfirmedRequest received) {
        super(received.isSegmentedMessage(), received.isMoreFollows(), received.isSegmentedResponseAccepted(),
                received.getMaxSegmentsAccepted(), received.getMaxApduLengthAccepted(), received.getInvokeId(),
                received.getSequenceNumber(), received.getProposedWindowSize(), received.getServiceChoice(),
                new BoundedByteQueue(received.getServiceData().popAll()), received.getNetworkPriority());
    }

    @Override
    public void parseServiceData() throws BACnetException {
        if (getServiceData() instanceof BoundedByteQueue bounded) {
            bounded.arm();
        }
        try {
            super.parseServiceData();
        } catch (RuntimeException e) {
            throw new BACnetRejectException(RejectReason.other, e);
        }
    }
}
