package io.outpost.core.command;

/** A command the core refused before it reached the device; {@link #reason()} is published in the result. */
public final class CommandRejectedException extends Exception {

    private final String reason;

    public CommandRejectedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
