package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.apdu.ComplexACK;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.util.sero.ByteQueue;
import java.util.Optional;

/**
 * A device's answer (ComplexACK) that the gateway checks before and while bacnet4j decodes it.
 * {@link #parseServiceData()} is where bacnet4j's transport decodes every answer, once the last segment of a
 * segmented one has been appended to the first (whose object this is), so segmented answers, which no single
 * datagram shows whole, are checked too:
 * <ul>
 *   <li>{@link ApduGuard} first, on the whole service data;</li>
 *   <li>bacnet4j then decodes it from a {@link BoundedByteQueue}, which ends a decode that would not end;</li>
 *   <li>whatever bacnet4j's decoding throws becomes a {@link MalformedAnswerException}; unchecked exceptions
 *       too, which bacnet4j would not hand to the waiting request: that request would wait forever (bacnet4j's
 *       transport forgets a request once answered, and its {@code ServiceFuture.get()} has no timeout).</li>
 * </ul>
 * The request then fails at once with reason {@code malformed-answer}, instead of hanging the transport thread
 * that serves every device, waiting out its retries, failing as {@code comm-lost} (the device did answer), or
 * blocking the device's IO thread for good.
 *
 * <p>Built by {@link GuardedTransport} for each answer it receives; decoded on bacnet4j's transport thread.
 */
public final class CheckedComplexAck extends ComplexACK {

    /** An answer as bacnet4j parsed its header, the service data not yet decoded. */
    public CheckedComplexAck(ComplexACK received) {
        super(received.isSegmentedMessage(), received.isMoreFollows(), received.getInvokeId(),
                received.getSequenceNumber(), received.getProposedWindowSize(), received.getServiceChoice(),
                new BoundedByteQueue(received.getServiceData().popAll()));
    }

    /** An unsegmented answer of {@code serviceChoice} with this service data (tests, fuzzing). */
    public CheckedComplexAck(byte invokeId, byte serviceChoice, byte[] serviceData) {
        super(false, false, invokeId, 0, 0, serviceChoice, new BoundedByteQueue(serviceData));
    }

    @Override
    public void parseServiceData() throws BACnetException {
        ByteQueue data = getServiceData();
        if (data == null) {
            return; // decoded already
        }
        Optional<String> flaw = ApduGuard.flaw(data.peekAll(), 0);
        if (flaw.isPresent()) {
            throw new MalformedAnswerException(flaw.get());
        }
        if (data instanceof BoundedByteQueue bounded) {
            bounded.arm();
        }
        try {
            super.parseServiceData();
        } catch (BACnetException | RuntimeException e) {
            throw new MalformedAnswerException(DecodeFailures.describe(e), e);
        }
    }
}
