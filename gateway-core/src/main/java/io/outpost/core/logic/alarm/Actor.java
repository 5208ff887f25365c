package io.outpost.core.logic.alarm;

import java.util.Objects;

/**
 * Who acted on an alarm, for the alarm's state and the audit log.
 *
 * @param user   the authenticated user name; empty when the client did not log in
 * @param client the MQTT client id (or the console's remote address)
 * @param via    {@code mqtt}, {@code console} or {@code gateway} (shelve expiry)
 */
public record Actor(String user, String client, String via) {

    public static final Actor GATEWAY = new Actor("", "", "gateway");

    public Actor {
        user = user == null ? "" : user;
        client = client == null ? "" : client;
        Objects.requireNonNull(via, "via");
    }

    /** The user, else the client: what an alarm list shows as "by". */
    public String name() {
        return !user.isEmpty() ? user : !client.isEmpty() ? client : via;
    }

    @Override
    public String toString() {
        return (user.isEmpty() ? "(no user)" : user) + " client=" + client + " via " + via;
    }
}
