package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.apdu.APDU;
import com.serotonin.bacnet4j.apdu.ComplexACK;
import com.serotonin.bacnet4j.apdu.ConfirmedRequest;
import com.serotonin.bacnet4j.apdu.UnconfirmedRequest;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.npdu.NPDU;
import com.serotonin.bacnet4j.npdu.Network;
import com.serotonin.bacnet4j.service.unconfirmed.UnconfirmedRequestService;
import com.serotonin.bacnet4j.transport.DefaultTransport;
import com.serotonin.bacnet4j.type.constructed.ServicesSupported;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bacnet4j's transport with the gateway's checks in front of its decoding, so that no datagram can stop the
 * transport thread that serves every BACnet device:
 * <ul>
 *   <li>a request or error whose encoding {@link ApduGuard} refuses is dropped before the transport thread sees it,
 *       counted, and logged at debug (anyone can send them; a warning per datagram would be a log flood);</li>
 *   <li>answers (ComplexACK) go on as {@link CheckedComplexAck}s, checked whole where bacnet4j decodes them, so
 *       that a malformed one fails its request with a reason;</li>
 *   <li>everything bacnet4j decodes, it decodes from a {@link BoundedByteQueue}: errors as it parses them,
 *       confirmed requests as {@link CheckedConfirmedRequest}s, unconfirmed requests decoded here (after bacnet4j
 *       checked that we serve the service) and handed on decoded. An unconfirmed request that does not decode is
 *       dropped as bacnet4j drops any datagram it cannot parse (logged at debug).</li>
 * </ul>
 * {@link #incoming} is called by the network's receiving thread; the decoding runs on the transport thread.
 */
final class GuardedTransport extends DefaultTransport {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedTransport.class);
    private static final int COMPLEX_ACK = 3;

    private final AtomicLong dropped = new AtomicLong();

    GuardedTransport(Network network) {
        super(network);
    }

    @Override
    public void incoming(NPDU npdu) {
        if (npdu.isNetworkMessage()) {
            super.incoming(npdu);
            return;
        }
        byte[] apdu = npdu.getNetworkMessageData().peekAll();
        boolean answer = apdu.length > 0 && (apdu[0] & 0xFF) >>> 4 == COMPLEX_ACK;
        if (answer || ApduGuard.acceptable(apdu)) {
            super.incoming(new Checked(npdu, apdu));
        } else {
            long n = dropped.incrementAndGet();
            LOG.debug("dropped malformed BACnet datagram {} from {}", n, npdu.getFrom());
        }
    }

    /** Datagrams dropped as malformed since start. */
    long dropped() {
        return dropped.get();
    }

    /** A received datagram whose APDU bacnet4j parses from a bounded queue and gets in a checked form. */
    private static final class Checked extends NPDU {

        private final byte[] apdu;

        Checked(NPDU received, byte[] apdu) {
            super(received.getFrom(), received.getLinkService(), new BoundedByteQueue(apdu));
            this.apdu = apdu;
        }

        @Override
        public APDU getAPDU(ServicesSupported servicesSupported) throws BACnetException {
            APDU parsed = super.getAPDU(servicesSupported);
            if (parsed instanceof ComplexACK ack) {
                return new CheckedComplexAck(ack);
            }
            if (parsed instanceof ConfirmedRequest request) {
                return new CheckedConfirmedRequest(request);
            }
            if (parsed instanceof UnconfirmedRequest) {
                return decodedUnconfirmed();
            }
            return parsed;
        }

        /** bacnet4j's UnconfirmedRequest hides its data; its header is the type and the service choice. */
        private UnconfirmedRequest decodedUnconfirmed() throws BACnetException {
            BoundedByteQueue data = new BoundedByteQueue(Arrays.copyOfRange(apdu, 2, apdu.length));
            try {
                return new UnconfirmedRequest(UnconfirmedRequestService.createUnconfirmedRequestService(apdu[1], data));
            } catch (RuntimeException e) {
                throw new BACnetException("unconfirmed request not decoded: " + DecodeFailures.describe(e), e);
            }
        }
    }
}
