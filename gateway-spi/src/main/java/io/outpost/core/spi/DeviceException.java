package io.outpost.core.spi;

/**
 * A read or write that failed for a reason the device or the link gave. {@link #reason()} is a short token that
 * becomes the points' quality reason, e.g. {@code comm-lost}, {@code connect-refused},
 * {@code device-exception:02}, {@code Bad_NodeIdUnknown}; the message is for humans and logs.
 */
public class DeviceException extends Exception {

    private final String reason;

    public DeviceException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DeviceException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
