package io.outpost.mqtt.internal.broker.session;

import io.outpost.core.message.Message;

/**
 * A PUBLISH received from a client, already decoded, alias-resolved and checked against the ACL.
 *
 * @param refusal 0 when the message may be accepted; otherwise the MQTT 5 reason code to answer with
 * @param reasonString why it was refused (sent when the client accepts problem information), or null
 * @param discard acknowledged as usual but not accepted (an MQTT 3.1.1 PUBLISH the broker drops, MQTT-3.3.5-2)
 */
public record ClientPublish(int packetId, Message message, byte refusal, String reasonString, boolean discard) {

    public ClientPublish(int packetId, Message message, byte refusal, String reasonString) {
        this(packetId, message, refusal, reasonString, false);
    }

    public int qos() {
        return message.qos();
    }
}
