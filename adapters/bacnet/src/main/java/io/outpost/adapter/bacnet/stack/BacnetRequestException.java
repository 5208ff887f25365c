package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.exception.AbortAPDUException;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.exception.BACnetTimeoutException;
import com.serotonin.bacnet4j.exception.ErrorAPDUException;
import com.serotonin.bacnet4j.exception.RejectAPDUException;
import com.serotonin.bacnet4j.exception.ServiceTooBigException;
import com.serotonin.bacnet4j.type.enumerated.AbortReason;
import com.serotonin.bacnet4j.type.enumerated.RejectReason;
import com.serotonin.bacnet4j.type.error.ErrorClassAndCode;
import io.outpost.adapter.bacnet.config.BacnetNames;
import io.outpost.core.point.Quality;
import io.outpost.core.spi.DeviceException;

/**
 * A confirmed request that failed, with the kind of failure the device or the link gave. {@link #reason()} is the
 * quality reason of the points it concerned:
 * <ul>
 *   <li>{@code timeout}: no answer after every retry;</li>
 *   <li>{@code error:<code>}: the device answered with an Error PDU, e.g. {@code error:unknown-object};</li>
 *   <li>{@code reject:<reason>}: the device rejected the request, e.g. {@code reject:unrecognized-service};</li>
 *   <li>{@code abort:<reason>}: the device aborted it, e.g. {@code abort:segmentation-not-supported};</li>
 *   <li>{@code too-big}: the request does not fit what the device accepts;</li>
 *   <li>{@code malformed-answer}: the device answered with an encoding that the gateway refuses to decode
 *       ({@link ApduGuard});</li>
 *   <li>{@code comm-lost}: the request could not be sent (socket error, local device down).</li>
 * </ul>
 */
public final class BacnetRequestException extends DeviceException {

    public enum Kind { TIMEOUT, ERROR, REJECT, ABORT, TOO_BIG, MALFORMED, COMM }

    public static final String MALFORMED_ANSWER = "malformed-answer";

    private final Kind kind;
    /** The error code, reject reason or abort reason number; 0 for the other kinds. */
    private final int code;

    public BacnetRequestException(Kind kind, int code, String reason, String message, Throwable cause) {
        super(reason, message, cause);
        this.kind = kind;
        this.code = code;
    }

    /** Classifies what bacnet4j threw for a request {@code what} (for the message). */
    public static BacnetRequestException of(BACnetException e, String what) {
        if (e instanceof BACnetTimeoutException) {
            return new BacnetRequestException(Kind.TIMEOUT, 0, Quality.TIMEOUT, what + ": no answer", e);
        }
        if (e instanceof ErrorAPDUException error) {
            return error(error.getError(), what, e);
        }
        if (e instanceof RejectAPDUException reject) {
            RejectReason r = reject.getApdu().getRejectReason();
            return new BacnetRequestException(Kind.REJECT, r.intValue(), "reject:" + BacnetNames.enumName(r),
                    what + ": rejected (" + BacnetNames.enumName(r) + ")", e);
        }
        if (e instanceof AbortAPDUException abort) {
            AbortReason r = abort.getApdu().getAbortReason();
            return new BacnetRequestException(Kind.ABORT, r.intValue(), "abort:" + BacnetNames.enumName(r),
                    what + ": aborted (" + BacnetNames.enumName(r) + ")", e);
        }
        if (e instanceof MalformedAnswerException) {
            return new BacnetRequestException(Kind.MALFORMED, 0, MALFORMED_ANSWER, what + ": " + e.getMessage(), e);
        }
        if (e instanceof ServiceTooBigException) {
            return new BacnetRequestException(Kind.TOO_BIG, 0, "too-big", what + ": " + e.getMessage(), e);
        }
        if (e.getCause() instanceof BACnetException inner && inner != e) {
            return of(inner, what);
        }
        return new BacnetRequestException(Kind.COMM, 0, Quality.COMM_LOST, what + ": " + e.getMessage(), e);
    }

    /** An error the device reported, as a whole-request Error PDU or one property's result in ReadPropertyMultiple. */
    public static BacnetRequestException error(ErrorClassAndCode error, String what, Throwable cause) {
        String code = BacnetNames.enumName(error.getErrorCode());
        return new BacnetRequestException(Kind.ERROR, error.getErrorCode().intValue(), "error:" + code,
                what + ": " + BacnetNames.enumName(error.getErrorClass()) + " error " + code, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** True when the device answered at all: it is alive, whatever it thought of the request. */
    public boolean deviceAnswered() {
        return kind == Kind.ERROR || kind == Kind.REJECT || kind == Kind.ABORT || kind == Kind.MALFORMED;
    }

    /** True when a smaller request may succeed where this one failed (buffer, segmentation, resources). */
    public boolean tooLarge() {
        if (kind == Kind.TOO_BIG) {
            return true;
        }
        if (kind == Kind.ABORT) {
            return code == AbortReason.bufferOverflow.intValue() || code == AbortReason.segmentationNotSupported.intValue()
                    || code == AbortReason.outOfResources.intValue() || code == AbortReason.apduTooLong.intValue()
                    || code == AbortReason.windowSizeOutOfRange.intValue();
        }
        return kind == Kind.REJECT && code == RejectReason.bufferOverflow.intValue();
    }

    /** True when the device answered with an encoding that the gateway refuses to decode. */
    public boolean malformedAnswer() {
        return kind == Kind.MALFORMED;
    }

    /** True when the device does not know the service at all. */
    public boolean serviceUnsupported() {
        return kind == Kind.REJECT && code == RejectReason.unrecognizedService.intValue();
    }
}
