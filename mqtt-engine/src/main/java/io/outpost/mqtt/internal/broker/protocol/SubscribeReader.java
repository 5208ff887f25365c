package io.outpost.mqtt.internal.broker.protocol;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.internal.broker.auth.ClientAccess;
import io.outpost.mqtt.internal.broker.session.SubscribeRequest;
import io.outpost.mqtt.internal.broker.wire.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Checks a SUBSCRIBE: the subscription identifier, each filter (syntax, shared-subscription rules) and the ACL.
 * A bad filter is refused alone (0x8F, 0x87); a protocol violation fails the whole packet. Stateless.
 */
final class SubscribeReader {

    /** The checked filters, in packet order, and the MQTT 5 subscription identifier (0 for none). */
    record Subscribe(List<SubscribeRequest> requests, int subscriptionId) {
    }

    private SubscribeReader() {
    }

    /**
     * @param denied told the text of each filter the ACL refuses (for the log)
     */
    static Subscribe read(MqttSubscribeMessage m, boolean v5, ClientAccess access, Consumer<String> denied)
            throws ProtocolException {
        MqttProperties props = v5 ? m.idAndPropertiesVariableHeader().properties() : MqttProperties.NO_PROPERTIES;
        Long subscriptionId = Props.number(props, MqttPropertyType.SUBSCRIPTION_IDENTIFIER);
        if (subscriptionId != null && (subscriptionId < 1 || subscriptionId > 268_435_455)) {
            throw new ProtocolException(ReasonCode.PROTOCOL_ERROR, "subscription identifier " + subscriptionId);
        }
        List<MqttTopicSubscription> topics = m.payload().topicSubscriptions();
        if (topics.isEmpty()) {
            throw new ProtocolException(ReasonCode.PROTOCOL_ERROR, "SUBSCRIBE without a topic filter");
        }
        List<SubscribeRequest> requests = new ArrayList<>(topics.size());
        for (MqttTopicSubscription t : topics) {
            requests.add(request(t, access, denied));
        }
        return new Subscribe(requests, subscriptionId == null ? 0 : subscriptionId.intValue());
    }

    private static SubscribeRequest request(MqttTopicSubscription t, ClientAccess access, Consumer<String> denied)
            throws ProtocolException {
        TopicFilter.Subscription parsed;
        try {
            parsed = TopicFilter.parseSubscription(t.topicName());
        } catch (IllegalArgumentException e) {
            return SubscribeRequest.refused(ReasonCode.TOPIC_FILTER_INVALID);
        }
        MqttSubscriptionOption option = t.option();
        if (parsed.shareGroup() != null && option.isNoLocal()) {
            throw new ProtocolException(ReasonCode.PROTOCOL_ERROR, "No Local on a shared subscription (MQTT-3.8.3-4)");
        }
        int qos = option.qos().value();
        if (qos > 2) {
            throw new ProtocolException(ReasonCode.MALFORMED_PACKET, "subscription QoS " + qos);
        }
        if (!access.maySubscribe(parsed.filter())) {
            denied.accept(t.topicName());
            return SubscribeRequest.refused(ReasonCode.NOT_AUTHORIZED);
        }
        return new SubscribeRequest(parsed.shareGroup(), parsed.filter(), qos, option.isNoLocal(),
                option.isRetainAsPublished(), option.retainHandling().value(), (byte) 0);
    }
}
