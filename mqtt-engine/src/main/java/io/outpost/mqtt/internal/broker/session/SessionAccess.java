package io.outpost.mqtt.internal.broker.session;

import io.outpost.mqtt.internal.broker.auth.AccessPolicy;
import io.outpost.mqtt.internal.broker.auth.AccessView;
import io.outpost.mqtt.internal.broker.auth.ClientAccess;
import io.outpost.mqtt.internal.broker.auth.ClientIdentity;
import io.outpost.mqtt.internal.broker.routing.Subscription;
import java.util.Collection;

/**
 * Whose a session is and what that user may read now. The session belongs to the user that created it: another
 * user cannot resume it. What may be delivered is checked against the rules in force, not only at SUBSCRIBE: each
 * delivery first compares the rules this session last applied with those in force (one volatile read); when they
 * changed, the session withdraws the subscriptions the user may no longer have and drops queued messages it may no
 * longer read. Between changes a delivery needs no topic check at all, because every subscription it can come
 * through was granted whole; only subscriptions that a deny rule cuts into, and a session that lost subscriptions
 * (a delivery routed just before the withdrawal may still arrive), check each topic. Owned by the session's thread.
 */
final class SessionAccess {

    private final AccessPolicy policy;
    /** Null while not known: a session restored from a state file that did not record owners. */
    private ClientIdentity owner;
    private AccessView view;
    private boolean checkTopics;
    private boolean narrowed;

    SessionAccess(AccessPolicy policy, ClientIdentity owner) {
        this.policy = policy;
        this.owner = owner;
        this.view = owner == null ? null : new AccessView(policy, owner);
    }

    ClientIdentity owner() {
        return owner;
    }

    /** True when {@code who} may resume the session: the same user, or anyone while the owner is not known. */
    boolean belongsTo(ClientIdentity who) {
        return owner == null || owner.sameUser(who);
    }

    /** A connection of the owner (or the first one of a session whose owner was not known) attaches. */
    void claim(ClientIdentity who) {
        owner = who;
        view = new AccessView(policy, who);
    }

    /** True when the rules changed since they were last applied (never for a session whose owner is not known). */
    boolean stale() {
        return view != null && view.stale();
    }

    /** The owner's access under the rules in force, recomputed; null while the owner is not known. */
    ClientAccess refresh() {
        return view == null ? null : view.refresh();
    }

    /** The owner's access as last applied; null while the owner is not known. */
    ClientAccess current() {
        return view == null ? null : view.current();
    }

    /** Subscriptions were withdrawn: deliveries already routed through them must still be stopped. */
    void narrowed() {
        narrowed = true;
    }

    /** The subscriptions changed, or the rules did: works out whether deliveries need a topic check. */
    void subscriptionsChanged(Collection<Subscription> subscriptions) {
        ClientAccess a = current();
        if (a == null || a.readsEverything()) {
            checkTopics = false;
            return;
        }
        if (a.revoked()) {
            checkTopics = true;
            return;
        }
        boolean partial = narrowed;
        for (Subscription s : subscriptions) {
            partial = partial || a.deniesPartOf(s.filter());
        }
        checkTopics = partial;
    }

    /** A subscription was added: it may need topic checks. */
    void subscribed(Subscription s) {
        ClientAccess a = current();
        if (a != null && !a.readsEverything() && a.deniesPartOf(s.filter())) {
            checkTopics = true;
        }
    }

    /** Whether a message on {@code topic} may be delivered, under the rules last applied (check {@link #stale} first). */
    boolean mayRead(String topic) {
        return view == null || !checkTopics || view.current().mayRead(topic);
    }
}
