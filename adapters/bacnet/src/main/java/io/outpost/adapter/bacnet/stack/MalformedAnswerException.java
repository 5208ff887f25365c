package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.exception.BACnetException;

/**
 * An answer that the gateway refuses to decode ({@link CheckedComplexAck}), thrown where bacnet4j would have
 * decoded it: bacnet4j hands it to the waiting request as it does any answer it cannot decode, and
 * {@link BacnetRequestException} makes it the reason {@code malformed-answer}.
 */
final class MalformedAnswerException extends BACnetException {

    private static final long serialVersionUID = 1L;

    MalformedAnswerException(String flaw) {
        super("malformed answer: " + flaw);
    }

    MalformedAnswerException(String flaw, Throwable cause) {
        super("malformed answer: " + flaw, cause);
    }
}
