package io.outpost.adapter.bacnet.sim;

import com.serotonin.bacnet4j.apdu.APDU;
import com.serotonin.bacnet4j.apdu.Abort;
import com.serotonin.bacnet4j.apdu.ConfirmedRequest;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.npdu.NPDU;
import com.serotonin.bacnet4j.npdu.Network;
import com.serotonin.bacnet4j.service.acknowledgement.AcknowledgementService;
import com.serotonin.bacnet4j.service.confirmed.ReadPropertyMultipleRequest;
import com.serotonin.bacnet4j.service.confirmed.ReadPropertyRequest;
import com.serotonin.bacnet4j.transport.DefaultTransport;
import com.serotonin.bacnet4j.type.enumerated.AbortReason;
import com.serotonin.bacnet4j.util.sero.ByteQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A transport that behaves like a small controller: a ReadProperty or ReadPropertyMultiple whose answer would be
 * larger than {@code responseLimit} bytes is aborted (segmentation-not-supported) instead of answered. bacnet4j itself sizes
 * answers by the client's buffer, not by the limits the device advertises, so without this a simulated small
 * device would never refuse anything. Requests that come in segments are let through (a small device would not
 * take them anyway). It counts the aborts, for tests.
 */
final class ConstrainedTransport extends DefaultTransport {

    private final IntSupplier responseLimit;
    private final AtomicInteger aborts = new AtomicInteger();

    /** @param responseLimit the largest answer in bytes, read at each request; 0 or less for no limit */
    ConstrainedTransport(Network network, IntSupplier responseLimit) {
        super(network);
        this.responseLimit = responseLimit;
    }

    @Override
    public void incoming(NPDU npdu) {
        int limit = responseLimit.getAsInt();
        if (limit > 0 && !npdu.isNetworkMessage() && refused(npdu, limit)) {
            return;
        }
        super.incoming(npdu);
    }

    int aborts() {
        return aborts.get();
    }

    private boolean refused(NPDU npdu, int limit) {
        byte[] copy = npdu.getNetworkMessageData().peekAll();
        try {
            APDU apdu = new NPDU(npdu.getFrom(), npdu.getLinkService(), new ByteQueue(copy))
                    .getAPDU(getLocalDevice().getServicesSupported());
            if (!(apdu instanceof ConfirmedRequest request) || request.isSegmentedMessage()
                    || (request.getServiceChoice() != ReadPropertyMultipleRequest.TYPE_ID
                    && request.getServiceChoice() != ReadPropertyRequest.TYPE_ID)) {
                return false;
            }
            request.parseServiceData();
            AcknowledgementService answer = request.getServiceRequest().handle(getLocalDevice(), npdu.getFrom());
            ByteQueue encoded = new ByteQueue();
            answer.write(encoded);
            if (encoded.size() + 3 <= limit) {
                return false;
            }
            if (request.getServiceChoice() == ReadPropertyMultipleRequest.TYPE_ID) {
                aborts.incrementAndGet();
            }
            getNetwork().sendAPDU(npdu.getFrom(), npdu.getLinkService(),
                    new Abort(true, request.getInvokeId(), AbortReason.segmentationNotSupported), false);
            return true;
        } catch (BACnetException e) {
            // Not something we can judge (malformed, unsupported): the normal path answers it.
            return false;
        }
    }
}
