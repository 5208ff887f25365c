package io.outpost.mqtt.broker.auth;

import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.broker.config.AclRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's access control list. Without rules every client may do everything; with rules, a client may only
 * do what a rule that applies to it grants (default deny). Immutable and thread-safe.
 */
public final class AccessControl {

    private final List<AclRule> rules;

    /** @param rules the configured rules, or null when the config has no {@code acl} */
    public AccessControl(List<AclRule> rules) {
        this.rules = rules == null ? null : List.copyOf(rules);
    }

    /** The access of a client, computed once when it connects. */
    public ClientAccess forClient(String username, String clientId) {
        if (rules == null) {
            return ClientAccess.ALL;
        }
        List<TopicFilter> read = new ArrayList<>();
        List<TopicFilter> write = new ArrayList<>();
        for (AclRule rule : rules) {
            if (rule.user() != null && !rule.user().equals(username)
                    || rule.clientId() != null && !rule.clientId().equals(clientId)) {
                continue;
            }
            String topic = substitute(rule.topic(), username, clientId);
            if (topic == null) {
                continue;
            }
            TopicFilter filter = TopicFilter.parse(topic);
            if (rule.access().allowsRead()) {
                read.add(filter);
            }
            if (rule.access().allowsWrite()) {
                write.add(filter);
            }
        }
        return new ClientAccess(read, write);
    }

    /**
     * Fills in {@code %u} and {@code %c}; null when the rule cannot apply: no user name for {@code %u}, or a value
     * that would change the filter's shape ({@code /}, {@code +}, {@code #}), which would widen the grant.
     */
    private static String substitute(String topic, String username, String clientId) {
        String out = topic;
        if (out.contains("%u")) {
            if (!safeLevel(username)) {
                return null;
            }
            out = out.replace("%u", username);
        }
        if (out.contains("%c")) {
            if (!safeLevel(clientId)) {
                return null;
            }
            out = out.replace("%c", clientId);
        }
        return out;
    }

    private static boolean safeLevel(String value) {
        return value != null && !value.isEmpty() && value.indexOf('/') < 0 && value.indexOf('+') < 0
                && value.indexOf('#') < 0;
    }
}
