package io.outpost.mqtt.broker.config;

/** What an ACL rule grants on its topic filter. */
public enum Access {
    READ,
    WRITE,
    READWRITE;

    public boolean allowsRead() {
        return this != WRITE;
    }

    public boolean allowsWrite() {
        return this != READ;
    }
}
