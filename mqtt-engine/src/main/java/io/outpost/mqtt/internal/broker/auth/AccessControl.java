package io.outpost.mqtt.internal.broker.auth;

import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.broker.config.Access;
import io.outpost.mqtt.broker.config.AclRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's access control list. Without rules every client may do everything; with rules, a client may only
 * do what a rule that applies to it grants (default deny), and a {@code deny} rule that applies to it takes its
 * topics away again whatever grants them (deny wins, the order of the rules does not matter). Immutable and
 * thread-safe.
 */
final class AccessControl {

    private final List<AclRule> rules;

    /** @param rules the configured rules, or null when the config has no {@code acl} */
    public AccessControl(List<AclRule> rules) {
        this.rules = rules == null ? null : List.copyOf(rules);
    }

    /**
     * The access of a client.
     *
     * @param commandTopics the gateway's command topics, refused to a client that did not authenticate; null when
     *                      such clients may send commands
     */
    public ClientAccess forClient(ClientIdentity client, CommandTopics commandTopics) {
        CommandTopics refused = client.authenticated() ? null : commandTopics;
        if (rules == null) {
            return new ClientAccess(null, null, List.of(), refused, false);
        }
        List<TopicFilter> read = new ArrayList<>();
        List<TopicFilter> write = new ArrayList<>();
        List<TopicFilter> deny = new ArrayList<>();
        String username = client.username();
        String clientId = client.clientId();
        for (AclRule rule : rules) {
            if (rule.user() != null && !rule.user().equals(username)
                    || rule.clientId() != null && !rule.clientId().equals(clientId)) {
                continue;
            }
            boolean isDeny = rule.access() == Access.DENY;
            String topic = substitute(rule.topic(), username, clientId, isDeny);
            if (topic == null) {
                continue;
            }
            TopicFilter filter = TopicFilter.parse(topic);
            if (isDeny) {
                deny.add(filter);
            }
            if (rule.access().allowsRead()) {
                read.add(filter);
            }
            if (rule.access().allowsWrite()) {
                write.add(filter);
            }
        }
        return new ClientAccess(read, write, deny, refused, false);
    }

    /**
     * Fills in {@code %u} and {@code %c}. A value that cannot fill a placeholder (no user name for {@code %u}, or one
     * with {@code /}, {@code +} or {@code #}, which would change the filter's shape) makes a grant not apply (null),
     * and makes a deny rule take the whole level ({@code +}): both err on the side of less access.
     */
    private static String substitute(String topic, String username, String clientId, boolean deny) {
        if (!topic.contains("%u") && !topic.contains("%c")) {
            return topic;
        }
        String[] levels = topic.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            boolean unfillable = level.contains("%u") && !safeLevel(username)
                    || level.contains("%c") && !safeLevel(clientId);
            if (unfillable) {
                if (!deny) {
                    return null;
                }
                levels[i] = "+";
            } else {
                levels[i] = fill(level, username, clientId);
            }
        }
        return String.join("/", levels);
    }

    /** Replaces the placeholders in one pass, so that a value containing "%c" is not filled again. */
    private static String fill(String level, String username, String clientId) {
        StringBuilder out = new StringBuilder(level.length() + 16);
        for (int i = 0; i < level.length(); i++) {
            char c = level.charAt(i);
            if (c == '%' && i + 1 < level.length() && (level.charAt(i + 1) == 'u' || level.charAt(i + 1) == 'c')) {
                out.append(level.charAt(i + 1) == 'u' ? username : clientId);
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean safeLevel(String value) {
        return value != null && !value.isEmpty() && value.indexOf('/') < 0 && value.indexOf('+') < 0
                && value.indexOf('#') < 0;
    }
}
