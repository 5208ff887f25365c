package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.npdu.NPDU;
import com.serotonin.bacnet4j.npdu.Network;
import com.serotonin.bacnet4j.transport.DefaultTransport;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bacnet4j's transport with {@link ApduGuard} in front: a datagram whose APDU is malformed is dropped before the
 * transport thread decodes it, counted, and logged at debug (anyone can send them; a warning per datagram would
 * be a log flood). Called by the network's receiving thread.
 */
final class GuardedTransport extends DefaultTransport {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedTransport.class);

    private final AtomicLong dropped = new AtomicLong();

    GuardedTransport(Network network) {
        super(network);
    }

    @Override
    public void incoming(NPDU npdu) {
        if (!npdu.isNetworkMessage() && !ApduGuard.acceptable(npdu.getNetworkMessageData().peekAll())) {
            long n = dropped.incrementAndGet();
            LOG.debug("dropped malformed BACnet datagram {} from {}", n, npdu.getFrom());
            return;
        }
        super.incoming(npdu);
    }

    /** Datagrams dropped as malformed since start. */
    long dropped() {
        return dropped.get();
    }
}
