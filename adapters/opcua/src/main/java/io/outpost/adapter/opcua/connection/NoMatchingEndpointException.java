package io.outpost.adapter.opcua.connection;

/** The server offers no endpoint with the configured security policy, mode and user identity. */
public final class NoMatchingEndpointException extends Exception {

    public static final String REASON = "no-matching-endpoint";

    public NoMatchingEndpointException(String message) {
        super(message);
    }
}
