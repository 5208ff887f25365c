package io.outpost.core.message;

/** The engine refused messages by policy; {@link #reason()} is a short token such as {@code store-full}. */
public final class MessageRejectedException extends RuntimeException {

    private final String reason;

    public MessageRejectedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
