package io.outpost.mqtt.internal.broker.session;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a session knows about its current network connection only: the link, the client's settings, the
 * acknowledgements owed to it in order, and the topic aliases used towards it. A new connection gets a new one.
 * Owned by the session's thread.
 */
final class Attachment {

    /** An acknowledgement owed for a received QoS 1/2 PUBLISH, sent when its forwarding stage is done. */
    record PendingAck(int packetId, int qos, CompletableFuture<Void> stage, byte refusal, String reasonString) {
    }

    final ClientLink link;
    final ClientSettings settings;
    final ArrayDeque<PendingAck> pendingAcks = new ArrayDeque<>();
    int pendingQos1;
    /** PUBLISH packets of an MQTT 3.1.1 client beyond its inflight limit, in order, while reading is paused. */
    final ArrayDeque<ClientPublish> held = new ArrayDeque<>();
    /** Guards against taking held messages again from within taking them. */
    boolean takingHeld;
    private Map<String, Integer> aliases;

    Attachment(ClientLink link, ClientSettings settings) {
        this.link = link;
        this.settings = settings;
    }

    /**
     * The alias for a topic: an existing one (negative: send it without the topic), a new one (positive: send
     * topic and alias), or 0 when none is available. Aliases are given out until the client's maximum is reached.
     */
    int alias(String topic) {
        int max = settings.topicAliasMaximum();
        if (max == 0) {
            return 0;
        }
        if (aliases == null) {
            aliases = new HashMap<>();
        }
        Integer known = aliases.get(topic);
        if (known != null) {
            return -known;
        }
        if (aliases.size() >= max) {
            return 0;
        }
        int alias = aliases.size() + 1;
        aliases.put(topic, alias);
        return alias;
    }
}
