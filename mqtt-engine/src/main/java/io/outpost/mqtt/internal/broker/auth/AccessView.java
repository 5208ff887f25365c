package io.outpost.mqtt.internal.broker.auth;

/**
 * One client's access, kept current: computed once per version of the rules and recomputed when the rules change.
 * Checking whether it is current costs one volatile read and a reference comparison. Not thread-safe: each
 * connection and each session has its own, used on its own thread.
 */
public final class AccessView {

    private final AccessPolicy policy;
    private final ClientIdentity identity;
    private AccessPolicy.Rules seen;
    private ClientAccess access;

    public AccessView(AccessPolicy policy, ClientIdentity identity) {
        this.policy = policy;
        this.identity = identity;
        refresh();
    }

    public ClientIdentity identity() {
        return identity;
    }

    /** True when the rules changed since the access was computed. */
    public boolean stale() {
        return policy.rules() != seen;
    }

    /** Recomputes the access from the rules in force now. */
    public ClientAccess refresh() {
        AccessPolicy.Rules r = policy.rules();
        seen = r;
        access = policy.access(identity, r);
        return access;
    }

    /** The access under the rules in force now. */
    public ClientAccess current() {
        return stale() ? refresh() : access;
    }
}
