package io.outpost.mqtt.internal.broker.auth;

import java.util.Objects;

/**
 * Who a connected client is: its client id, the user name it is known as (null when anonymous) and how that name was
 * established. A persistent session belongs to the identity's user; the ACL is applied to it. Immutable.
 */
public record ClientIdentity(String clientId, String username, Kind kind) {

    /** How the user name was established. */
    public enum Kind {
        /** No user name. */
        ANONYMOUS(1),
        /** A user name without a password file: only a label, not authenticated. */
        LABEL(2),
        /** A user name whose password was checked against the password file. */
        PASSWORD(3),
        /** The subject CN of a verified client certificate. */
        CERTIFICATE(4);

        /** The kind's number in the saved broker state (never reuse one). */
        public final int code;

        Kind(int code) {
            this.code = code;
        }

        /** The kind of a saved code, or null for 0 (a session saved before owners were recorded). */
        public static Kind ofCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    public ClientIdentity {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(kind, "kind");
        if ((username == null) != (kind == Kind.ANONYMOUS)) {
            throw new IllegalArgumentException("a " + kind + " identity " + (username == null ? "needs" : "has no")
                    + " user name");
        }
    }

    /** True when the user name was checked (password or certificate), not merely claimed. */
    public boolean authenticated() {
        return kind == Kind.PASSWORD || kind == Kind.CERTIFICATE;
    }

    /** True when {@code other} is the same user (both anonymous counts as the same: nobody to tell them apart). */
    public boolean sameUser(ClientIdentity other) {
        return Objects.equals(username, other.username);
    }
}
