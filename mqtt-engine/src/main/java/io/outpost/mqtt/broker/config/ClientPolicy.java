package io.outpost.mqtt.broker.config;

import java.util.Objects;

/**
 * How the broker treats clients beyond listeners, passwords and the ACL (keys directly under {@code broker:}).
 *
 * @param anonymousCommands  {@code anonymous-commands}: whether clients that did not authenticate (anonymous, or a
 *                           user name without a password file) may publish on the gateway's command topics (writes
 *                           to devices); default false
 * @param otherUserSession   {@code other-user-session}: what happens when a client connects with the client id of a
 *                           session that belongs to another user
 * @param mqtt3DollarPublish {@code mqtt3-dollar-publish}: what happens to an MQTT 3.1.1 client's PUBLISH to a topic
 *                           starting with {@code $} (MQTT 5 clients always get 0x87 for it)
 */
public record ClientPolicy(boolean anonymousCommands, OtherUserSession otherUserSession,
                           DollarPublish mqtt3DollarPublish) {

    public static final ClientPolicy DEFAULT = new ClientPolicy(false, OtherUserSession.REFUSE, DollarPublish.DROP);

    /** A client id whose session belongs to another user. */
    public enum OtherUserSession {
        /** The CONNECT is refused (0x87 / 0x05); the owner's connection and session stay as they are. */
        REFUSE,
        /** The owner's connection is closed and its session discarded; the newcomer starts a clean session. */
        REPLACE
    }

    /** An MQTT 3.1.1 PUBLISH to a {@code $} topic, which 3.1.1 cannot refuse per packet. */
    public enum DollarPublish {
        /** Acknowledged as usual and dropped (counted and logged), the connection stays (MQTT-3.3.5-2 allows it). */
        DROP,
        /** The connection is closed. */
        CLOSE
    }

    public ClientPolicy {
        Objects.requireNonNull(otherUserSession, "otherUserSession");
        Objects.requireNonNull(mqtt3DollarPublish, "mqtt3DollarPublish");
    }
}
