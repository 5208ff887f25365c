package io.outpost.mqtt.internal.broker.auth;

import io.outpost.mqtt.api.TopicFilter;
import java.util.List;

/**
 * What one client may do, with the ACL's {@code %u}/{@code %c} already filled in: grants to read and write, the deny
 * rules that take topics away from them again (a deny always wins), and the gateway's command topics for clients
 * that did not authenticate. Immutable; checked on every PUBLISH (write), SUBSCRIBE (read) and, for readers whose
 * subscriptions a deny rule cuts into, on every delivery.
 */
public final class ClientAccess {

    /** A client whose user was deleted from the password file: nothing is allowed. */
    static final ClientAccess REVOKED = new ClientAccess(List.of(), List.of(), List.of(), null, true);

    private final List<TopicFilter> read;
    private final List<TopicFilter> write;
    private final List<TopicFilter> deny;
    private final CommandTopics refusedCommands;
    private final boolean revoked;

    /**
     * @param read            filters the client may read, or null for everything (no ACL)
     * @param write           filters the client may write, or null for everything (no ACL)
     * @param deny            filters taken away from both
     * @param refusedCommands the command topics this client may not write (it did not authenticate), or null
     */
    ClientAccess(List<TopicFilter> read, List<TopicFilter> write, List<TopicFilter> deny,
                 CommandTopics refusedCommands, boolean revoked) {
        this.read = read == null ? null : List.copyOf(read);
        this.write = write == null ? null : List.copyOf(write);
        this.deny = List.copyOf(deny);
        this.refusedCommands = refusedCommands;
        this.revoked = revoked;
    }

    /** True when the client may publish to {@code topic} (never to a topic starting with {@code $}). */
    public boolean mayPublish(String topic) {
        return whyNotPublish(topic) == null;
    }

    /** Null when the client may publish to {@code topic}; otherwise why not, for the log and the reason string. */
    public String whyNotPublish(String topic) {
        if (revoked) {
            return "the user no longer exists";
        }
        if (topic.startsWith("$")) {
            return "clients never publish to topics starting with $";
        }
        if (refusedCommands != null && refusedCommands.contains(topic)) {
            return "it is a command topic and the client did not authenticate";
        }
        if (!matchesAny(write, topic) || denied(topic)) {
            return "the ACL does not allow it";
        }
        return null;
    }

    /**
     * True when every topic the filter can match is readable: a subscription is granted whole or refused, so a
     * subscriber never silently misses part of what it asked for, except for the topics a deny rule takes away
     * (those are filtered at delivery; a filter that lies wholly inside a deny rule is refused).
     */
    public boolean maySubscribe(TopicFilter filter) {
        if (revoked) {
            return false;
        }
        for (TopicFilter d : deny) {
            if (d.covers(filter)) {
                return false;
            }
        }
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

    /** True when a message on {@code topic} may be delivered to this client. */
    public boolean mayRead(String topic) {
        return !revoked && matchesAny(read, topic) && !denied(topic);
    }

    /** True when a delivery through {@code filter} (a granted subscription) may hit a deny rule: check each topic. */
    public boolean deniesPartOf(TopicFilter filter) {
        for (TopicFilter d : deny) {
            if (intersects(d.levels(), filter.levels())) {
                return true;
            }
        }
        return false;
    }

    /** True when the client may read every topic (no ACL, not revoked): deliveries need no check at all. */
    public boolean readsEverything() {
        return !revoked && read == null && deny.isEmpty();
    }

    /** True when the client's user was deleted from the password file. */
    public boolean revoked() {
        return revoked;
    }

    private boolean denied(String topic) {
        for (TopicFilter d : deny) {
            if (d.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(List<TopicFilter> filters, String topic) {
        if (filters == null) {
            return true;
        }
        for (TopicFilter f : filters) {
            if (f.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /** True when some topic matches both filters (given as levels). */
    static boolean intersects(String[] a, String[] b) {
        if (wildcard(a[0]) && b[0].startsWith("$") || wildcard(b[0]) && a[0].startsWith("$")) {
            return false;
        }
        int common = Math.min(a.length, b.length);
        for (int i = 0; i < common; i++) {
            if (a[i].equals("#") || b[i].equals("#")) {
                return true;
            }
            if (!a[i].equals("+") && !b[i].equals("+") && !a[i].equals(b[i])) {
                return false;
            }
        }
        if (a.length == b.length) {
            return true;
        }
        // The longer one can still match the shorter's topics when its next level is '#' ("a/#" matches "a").
        String[] longer = a.length > b.length ? a : b;
        return longer.length == common + 1 && longer[common].equals("#");
    }

    private static boolean wildcard(String level) {
        return level.equals("+") || level.equals("#");
    }
}
