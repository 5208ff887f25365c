package io.outpost.mqtt.internal.broker.session;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.outpost.core.log.SafeText;
import io.outpost.core.message.MessageRejectedException;
import io.outpost.mqtt.internal.broker.stats.BrokerStats.Drop;
import io.outpost.mqtt.internal.broker.stats.CloseReason;
import io.outpost.mqtt.internal.broker.wire.Packets;
import io.outpost.mqtt.internal.broker.wire.ReasonCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The QoS 1/2 messages a session's client sends: each is accepted (retained, routed, forwarded) as it arrives, and
 * acknowledged once every forwarder took it, in the order the PUBLISH packets came (MQTT-4.6.0-2). QoS 2 packet
 * ids are remembered from the first PUBLISH until PUBREL, so a re-sent PUBLISH is acknowledged again but not
 * delivered again (MQTT 4.3.3, method B); they survive reconnects and restarts.
 *
 * <p><b>Inflight limit.</b> An MQTT 5 client that sends more than its Receive Maximum ({@code max-inflight}) is
 * disconnected with 0x93, as the specification says. An MQTT 3.1.1 client cannot be told a limit, and closing it
 * only makes it send everything again (paho does exactly that on reconnect): instead, a PUBLISH beyond the limit is
 * held, in order, and reading its socket stops until acknowledgements free a slot; TCP flow control does the rest.
 * The limit counts the acknowledgements the broker owes (PUBACK, PUBREC), not QoS 2 messages waiting for the
 * client's PUBREL, which the broker could not read while it holds. Owned by the session's thread.
 */
final class InboundFlow {

    /** What the flow needs from its session. */
    interface Owner {
        boolean isCurrent(Attachment a);

        void execute(Runnable task);

        /** Ends the current connection from the broker's side. */
        void disconnect(byte reason, String why, CloseReason closeReason);

        /** The flow holds (true) or no longer holds messages of the current connection: stop or resume reading. */
        void holding(boolean holding);

        void flushSoon();

        void changed();
    }

    private final String clientId;
    private final SessionServices services;
    private final Owner owner;
    private final Map<Integer, CompletableFuture<Void>> awaitingRelease = new HashMap<>();

    InboundFlow(String clientId, SessionServices services, Owner owner) {
        this.clientId = clientId;
        this.services = services;
        this.owner = owner;
    }

    void onPublish(Attachment a, ClientPublish p) {
        services.stats().received(1);
        if (!a.held.isEmpty()) {
            a.held.addLast(p);
            return;
        }
        if (!take(a, p)) {
            a.held.addLast(p);
            owner.holding(true);
        }
    }

    /** Accepts a PUBLISH, or says no (false) when a 3.1.1 client is at its inflight limit. */
    private boolean take(Attachment a, ClientPublish p) {
        if (p.qos() == 0) {
            if (p.refusal() == 0 && !p.discard()) {
                services.acceptor().accept(p.message(), clientId);
            }
            return true;
        }
        CompletableFuture<Void> earlier = p.qos() == 2 ? awaitingRelease.get(p.packetId()) : null;
        if (earlier != null) {
            a.pendingAcks.add(new Attachment.PendingAck(p.packetId(), 2, earlier, (byte) 0, null));
            ackWhenDone(a, earlier);
            return true;
        }
        int max = services.limits().maxInflight();
        if (a.settings.isV5()) {
            if (a.pendingQos1 + awaitingRelease.size() >= max) {
                owner.disconnect(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "more than " + max
                        + " unacknowledged QoS 1/2 messages", CloseReason.RECEIVE_MAXIMUM_EXCEEDED);
                return true;
            }
        } else if (a.pendingAcks.size() >= max) {
            return false;
        }
        CompletableFuture<Void> stage = p.refusal() != 0 ? null
                : p.discard() ? CompletableFuture.completedFuture(null) : services.acceptor().accept(p.message(), clientId);
        if (p.qos() == 1) {
            a.pendingQos1++;
        } else if (stage != null) {
            awaitingRelease.put(p.packetId(), stage);
            owner.changed();
        }
        a.pendingAcks.add(new Attachment.PendingAck(p.packetId(), p.qos(), stage, p.refusal(), p.reasonString()));
        ackWhenDone(a, stage);
        return true;
    }

    /** Acknowledgements went out: takes held messages, in order, while slots are free; then reading resumes. */
    private void takeHeld(Attachment a) {
        if (a.takingHeld || a.held.isEmpty()) {
            return;
        }
        a.takingHeld = true;
        try {
            while (!a.held.isEmpty() && owner.isCurrent(a)) {
                if (!take(a, a.held.peekFirst())) {
                    return;
                }
                a.held.pollFirst();
            }
        } finally {
            a.takingHeld = false;
        }
        if (a.held.isEmpty() && owner.isCurrent(a)) {
            owner.holding(false);
        }
    }

    void onPubRel(Attachment a, int packetId) {
        boolean known = awaitingRelease.remove(packetId) != null;
        if (known) {
            owner.changed();
        }
        a.link.send(Packets.pubReply(MqttMessageType.PUBCOMP, packetId,
                known ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, null));
        owner.flushSoon();
    }

    private void ackWhenDone(Attachment a, CompletableFuture<Void> stage) {
        if (stage == null || stage.isDone()) {
            sendAcks(a);
        } else {
            stage.whenComplete((ok, error) -> owner.execute(() -> sendAcks(a)));
        }
    }

    /** Sends the acknowledgements whose stages are done, stopping at the first that is not. */
    private void sendAcks(Attachment a) {
        if (!owner.isCurrent(a)) {
            return;
        }
        boolean sent = false;
        while (!a.pendingAcks.isEmpty()) {
            Attachment.PendingAck ack = a.pendingAcks.peekFirst();
            if (ack.stage() != null && !ack.stage().isDone()) {
                break;
            }
            a.pendingAcks.pollFirst();
            if (ack.qos() == 1) {
                a.pendingQos1--;
            }
            byte reason = ack.refusal();
            String why = ack.reasonString();
            if (reason == 0 && ack.stage() != null && ack.stage().isCompletedExceptionally()) {
                Throwable cause = failure(ack.stage());
                reason = cause instanceof MessageRejectedException ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.UNSPECIFIED_ERROR;
                why = cause.getMessage();
                services.stats().dropped(Drop.REJECTED);
            }
            if (ReasonCode.isFailure(reason)) {
                if (ack.qos() == 2) {
                    awaitingRelease.remove(ack.packetId());
                }
                if (!a.settings.isV5()) {
                    // MQTT 3.1.1 has no negative acknowledgement: closing is the only way to say no (MQTT-3.3.5-2).
                    owner.disconnect(reason, SafeText.of(why), CloseReason.MESSAGE_REFUSED);
                    return;
                }
            }
            a.link.send(Packets.pubReply(ack.qos() == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC,
                    ack.packetId(), reason, a.settings.requestProblemInformation() ? why : null));
            sent = true;
        }
        if (sent) {
            owner.flushSoon();
            takeHeld(a);
        }
    }

    private static Throwable failure(CompletableFuture<Void> stage) {
        try {
            stage.join();
            return new IllegalStateException("not failed");
        } catch (CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    /** QoS 2 packet ids waiting for PUBREL, for saving. */
    List<Integer> awaitingRelease() {
        return new ArrayList<>(awaitingRelease.keySet());
    }

    /** Restores saved ids: their messages were accepted before the restart. */
    void restore(List<Integer> ids) {
        for (Integer id : ids) {
            awaitingRelease.put(id, CompletableFuture.completedFuture(null));
        }
    }

    void clear() {
        awaitingRelease.clear();
    }
}
