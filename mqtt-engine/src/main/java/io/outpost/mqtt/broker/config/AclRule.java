package io.outpost.mqtt.broker.config;

import java.util.Objects;

/**
 * One grant of the broker's access control list. A rule applies to a client when its {@code user} (if given)
 * equals the client's user name and its {@code clientId} (if given) equals the client identifier; a rule with
 * neither applies to every client. In {@code topic}, {@code %u} stands for the user name and {@code %c} for the
 * client identifier; a rule using {@code %u} never applies to an anonymous client.
 */
public record AclRule(String user, String clientId, String topic, Access access) {

    public AclRule {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(access, "access");
    }
}
