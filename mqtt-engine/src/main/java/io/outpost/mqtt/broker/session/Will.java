package io.outpost.mqtt.broker.session;

import io.outpost.mqtt.api.EngineMessage;

/**
 * The will message of a connection and its MQTT 5 Will Delay Interval.
 *
 * @param message      the message as the client sent it in CONNECT (its receive time is replaced when published)
 * @param delaySeconds 0 for MQTT 3.1.1 and for no delay
 */
public record Will(EngineMessage message, long delaySeconds) {

    /** The message to publish now, timed from now so that its expiry interval starts at publication. */
    EngineMessage publishAt(long nowMillis) {
        EngineMessage m = message;
        return new EngineMessage(m.topic(), m.payload(), m.qos(), m.retain(), m.userProperties(),
                m.messageExpirySeconds(), m.contentType(), m.responseTopic(), m.correlationData(),
                m.payloadFormatUtf8(), m.origin(), nowMillis, m.pointUpdates());
    }
}
