package io.outpost.mqtt.internal.broker.auth;

/**
 * The outcome of authenticating a CONNECT.
 *
 * @param username the user the client is known as from now on (for ACLs and logs), or null when anonymous
 * @param kind     how the user name was established (null when refused)
 */
public record AuthResult(Outcome outcome, String username, ClientIdentity.Kind kind) {

    public enum Outcome {
        /** The client may connect. */
        ACCEPTED,
        /** Unknown user or wrong password (CONNACK 0x04 / 0x86). */
        BAD_CREDENTIALS,
        /** No credentials where they are required (CONNACK 0x05 / 0x87). */
        NOT_AUTHORIZED,
        /** Too many authentications waiting (CONNACK 0x03 / 0x89). */
        BUSY
    }

    public static AuthResult accepted(String username, ClientIdentity.Kind kind) {
        return new AuthResult(Outcome.ACCEPTED, username, kind);
    }

    public static AuthResult refused(Outcome outcome) {
        return new AuthResult(outcome, null, null);
    }

    /** The identity of an accepted client. */
    public ClientIdentity identity(String clientId) {
        return new ClientIdentity(clientId, username, kind);
    }
}
