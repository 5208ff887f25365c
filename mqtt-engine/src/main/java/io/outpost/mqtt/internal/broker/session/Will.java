package io.outpost.mqtt.internal.broker.session;

import io.outpost.core.message.Message;

/**
 * The will message of a connection and its MQTT 5 Will Delay Interval.
 *
 * @param message      the message as the client sent it in CONNECT (its receive time is replaced when published)
 * @param delaySeconds 0 for MQTT 3.1.1 and for no delay
 */
public record Will(Message message, long delaySeconds) {

    /** The message to publish now, timed from now so that its expiry interval starts at publication. */
    Message publishAt(long nowMillis) {
        return Message.of(message.header(), message.payload(), nowMillis);
    }
}
