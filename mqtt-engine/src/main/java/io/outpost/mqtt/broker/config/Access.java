package io.outpost.mqtt.broker.config;

/**
 * What an ACL rule grants on its topic filter; {@link #DENY} takes reading and writing away from the topics it
 * matches, whatever other rules grant (a deny rule always wins, in any order).
 */
public enum Access {
    READ,
    WRITE,
    READWRITE,
    DENY;

    public boolean allowsRead() {
        return this == READ || this == READWRITE;
    }

    public boolean allowsWrite() {
        return this == WRITE || this == READWRITE;
    }
}
