package io.outpost.mqtt.broker.config;

import java.util.Objects;

/**
 * One rule of the broker's access control list: a grant, or with {@link Access#DENY} an exception to the grants. A
 * rule applies to a client when its {@code user} (if given) equals the client's user name and its {@code clientId}
 * (if given) equals the client identifier; a rule with neither applies to every client. A rule with a client id
 * always names its user too (the config reader insists): anyone can claim a client id, only a user authenticates.
 * In {@code topic}, {@code %u} stands for the user name and {@code %c} for the client identifier; a rule using
 * {@code %u} never applies to an anonymous client.
 */
public record AclRule(String user, String clientId, String topic, Access access) {

    public AclRule {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(access, "access");
    }
}
