package io.outpost.mqtt.internal.broker.persist;

import io.outpost.core.message.Message;
import java.util.List;

/**
 * What survives a restart of one persistent session: its subscriptions, the QoS 1/2 messages it has in flight and
 * queued, and the QoS 2 packet ids it received but was not yet released. Immutable.
 *
 * @param expirySeconds        the session expiry interval in force
 * @param disconnectedAtMillis when its client went away (the save time for a client connected at save)
 * @param awaitingRelease      inbound QoS 2 packet ids answered with PUBREC, waiting for PUBREL
 * @param ownerUsername        the user the session belongs to (null: anonymous, or not known)
 * @param ownerKind            how that user authenticated ({@code ClientIdentity.Kind} code); 0 when not known (a
 *                             session saved by a version that did not record owners)
 */
public record SessionState(String clientId, long expirySeconds, long disconnectedAtMillis,
                           List<SubscriptionState> subscriptions, List<MessageState> inflight,
                           List<MessageState> queued, List<Integer> awaitingRelease, String ownerUsername,
                           int ownerKind) {

    public SessionState {
        subscriptions = List.copyOf(subscriptions);
        inflight = List.copyOf(inflight);
        queued = List.copyOf(queued);
        awaitingRelease = List.copyOf(awaitingRelease);
    }

    /** A session whose owner is not known. */
    public SessionState(String clientId, long expirySeconds, long disconnectedAtMillis,
                        List<SubscriptionState> subscriptions, List<MessageState> inflight,
                        List<MessageState> queued, List<Integer> awaitingRelease) {
        this(clientId, expirySeconds, disconnectedAtMillis, subscriptions, inflight, queued, awaitingRelease, null, 0);
    }

    /** One subscription as the client made it ({@code text} includes {@code $share/group/}). */
    public record SubscriptionState(String text, int qos, boolean noLocal, boolean retainAsPublished,
                                    int retainHandling, int identifier) {
    }

    /**
     * A message on its way to the client.
     *
     * @param packetId 0 while queued; the packet id once sent
     * @param released for QoS 2 in flight: PUBREC received and PUBREL sent
     */
    public record MessageState(Message message, int qos, boolean retain, int[] subscriptionIds, int packetId,
                               boolean released) {
    }
}
