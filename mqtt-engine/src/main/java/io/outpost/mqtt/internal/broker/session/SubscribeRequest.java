package io.outpost.mqtt.internal.broker.session;

import io.outpost.mqtt.api.TopicFilter;

/**
 * One topic filter of a SUBSCRIBE, validated by the protocol handler.
 *
 * @param refusal 0 when valid and allowed; otherwise the reason code to answer with (0x80 for 3.1.1)
 */
public record SubscribeRequest(String shareGroup, TopicFilter filter, int qos, boolean noLocal,
                               boolean retainAsPublished, int retainHandling, byte refusal) {

    public static SubscribeRequest refused(byte reason) {
        return new SubscribeRequest(null, null, 0, false, false, 0, reason);
    }
}
