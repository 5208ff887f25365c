package io.outpost.mqtt.broker.auth;

import io.outpost.mqtt.api.TopicFilter;
import java.util.List;

/**
 * What one connected client may do, with the ACL's {@code %u}/{@code %c} already filled in. Immutable; checked on
 * every PUBLISH (write) and SUBSCRIBE (read).
 */
public final class ClientAccess {

    /** No ACL configured: everything is allowed. */
    public static final ClientAccess ALL = new ClientAccess(null, null);

    private final List<TopicFilter> read;
    private final List<TopicFilter> write;

    ClientAccess(List<TopicFilter> read, List<TopicFilter> write) {
        this.read = read == null ? null : List.copyOf(read);
        this.write = write == null ? null : List.copyOf(write);
    }

    public boolean mayPublish(String topic) {
        if (write == null) {
            return true;
        }
        for (TopicFilter f : write) {
            if (f.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when every topic the filter can match is readable: a subscription is granted whole or refused, so a
     * subscriber never silently misses part of what it asked for.
     */
    public boolean maySubscribe(TopicFilter filter) {
        if (read == null) {
            return true;
        }
        for (TopicFilter f : read) {
            if (f.covers(filter)) {
                return true;
            }
        }
        return false;
    }
}
