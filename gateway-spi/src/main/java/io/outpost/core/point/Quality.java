package io.outpost.core.point;

import java.util.Objects;

/**
 * How far a value can be trusted, with the reason when it cannot. Reasons are short machine-readable tokens
 * ({@code timeout}, {@code device-exception:02}, {@code out-of-range}, {@code comm-lost}, an OPC UA status name)
 * so that consumers can switch on them.
 */
public record Quality(Status status, String reason) {

    public enum Status {
        GOOD, UNCERTAIN, BAD;

        /** Lower-case name used in payloads. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final Quality GOOD = new Quality(Status.GOOD, "");

    /** Reasons produced by the core itself; adapters add protocol-specific ones. */
    public static final String TIMEOUT = "timeout";
    public static final String COMM_LOST = "comm-lost";
    public static final String OUT_OF_RANGE = "out-of-range";
    public static final String NOT_READ_YET = "not-read-yet";
    public static final String CONVERSION_ERROR = "conversion-error";

    public Quality {
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
    }

    public static Quality bad(String reason) {
        return new Quality(Status.BAD, reason);
    }

    public static Quality uncertain(String reason) {
        return new Quality(Status.UNCERTAIN, reason);
    }

    /** The reason a device refused a request with a protocol exception code, e.g. {@code device-exception:02}. */
    public static Quality deviceException(int code) {
        return bad(String.format("device-exception:%02X", code));
    }

    public boolean isGood() {
        return status == Status.GOOD;
    }

    @Override
    public String toString() {
        return reason.isEmpty() ? status.wireName() : status.wireName() + "(" + reason + ")";
    }
}
