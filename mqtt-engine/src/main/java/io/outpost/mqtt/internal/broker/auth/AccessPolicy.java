package io.outpost.mqtt.internal.broker.auth;

import io.outpost.mqtt.broker.auth.PasswordFile;
import io.outpost.mqtt.broker.config.AclRule;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The access rules in force: the ACL and the users of the password file, as one immutable {@link Rules} value that
 * is replaced whole when either is reloaded. Connections and sessions keep the {@link ClientAccess} they computed
 * together with the {@code Rules} it came from ({@link AccessView}); comparing that reference with {@link #rules()}
 * is all a delivery costs until the rules change. Thread-safe.
 */
public final class AccessPolicy {

    /** One version of the rules; a new object (and generation) at every reload. */
    public static final class Rules {
        private final long generation;
        private final AccessControl acl;
        private final List<AclRule> aclRules;
        private final PasswordFile passwordUsers;

        private Rules(long generation, List<AclRule> aclRules, PasswordFile passwordUsers) {
            this.generation = generation;
            this.aclRules = aclRules;
            this.acl = new AccessControl(aclRules);
            this.passwordUsers = passwordUsers;
        }

        public long generation() {
            return generation;
        }
    }

    private final CommandTopics commandTopics;
    private final boolean anonymousCommands;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Rules rules;

    /**
     * @param acl               the configured rules, or null for none (everything allowed)
     * @param commandTopics     the gateway's command topics
     * @param anonymousCommands whether clients that did not authenticate may publish on command topics
     */
    public AccessPolicy(List<AclRule> acl, CommandTopics commandTopics, boolean anonymousCommands) {
        this.commandTopics = commandTopics;
        this.anonymousCommands = anonymousCommands;
        this.rules = new Rules(0, acl == null ? null : List.copyOf(acl), null);
    }

    /** The rules in force now. */
    public Rules rules() {
        return rules;
    }

    public CommandTopics commandTopics() {
        return commandTopics;
    }

    /** What {@code client} may do under {@code r}: nothing when its user was deleted from the password file. */
    public ClientAccess access(ClientIdentity client, Rules r) {
        if (client.kind() == ClientIdentity.Kind.PASSWORD && r.passwordUsers != null
                && r.passwordUsers.hashOf(client.username()) == null) {
            return ClientAccess.REVOKED;
        }
        return r.acl.forClient(client, anonymousCommands ? null : commandTopics);
    }

    /** Puts new ACL rules in force (a configuration reload); nothing happens when they are the same. */
    public synchronized void replaceAcl(List<AclRule> acl) {
        List<AclRule> next = acl == null ? null : List.copyOf(acl);
        if (Objects.equals(next, rules.aclRules)) {
            return;
        }
        rules = new Rules(rules.generation + 1, next, rules.passwordUsers);
        changed();
    }

    /** The password file was (re-)read: users no longer in it lose every right. */
    public synchronized void passwordUsersChanged(PasswordFile users) {
        rules = new Rules(rules.generation + 1, rules.aclRules, users);
        changed();
    }

    /** Runs {@code listener} after each change (on the thread that made it). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }
}
