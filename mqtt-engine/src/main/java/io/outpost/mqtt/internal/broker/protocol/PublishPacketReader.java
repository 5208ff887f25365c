package io.outpost.mqtt.internal.broker.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.internal.broker.wire.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a received PUBLISH into an {@link Message}: resolves MQTT 5 topic aliases (this connection's, up to
 * the maximum the broker offered), checks the properties a client may send, and copies the payload out of the
 * network buffer once. One per connection, used on its IO thread.
 */
final class PublishPacketReader {

    private final int maxAliases;
    private String[] aliases;

    PublishPacketReader(int maxAliases) {
        this.maxAliases = maxAliases;
    }

    Message read(MqttPublishMessage m, String clientId, boolean v5, long nowMillis) throws ProtocolException {
        String topic = m.variableHeader().topicName();
        MqttProperties props = v5 ? m.variableHeader().properties() : MqttProperties.NO_PROPERTIES;
        if (v5) {
            topic = resolveAlias(topic, props);
            if (Props.has(props, MqttPropertyType.SUBSCRIPTION_IDENTIFIER)) {
                throw new ProtocolException(ReasonCode.PROTOCOL_ERROR, "a PUBLISH from a client must not carry a subscription identifier");
            }
        }
        if (!TopicFilter.isValidTopicName(topic)) {
            throw new ProtocolException(ReasonCode.TOPIC_NAME_INVALID, "invalid topic name '" + topic + "'");
        }
        String responseTopic = Props.string(props, MqttPropertyType.RESPONSE_TOPIC);
        if (responseTopic != null && !TopicFilter.isValidTopicName(responseTopic)) {
            throw new ProtocolException(ReasonCode.PROTOCOL_ERROR, "invalid response topic '" + responseTopic + "'");
        }
        ByteBuf content = m.content();
        byte[] payload = ByteBufUtil.getBytes(content, content.readerIndex(), content.readableBytes(), false);
        MessageProperties properties = new MessageProperties(Props.userProperties(props),
                Props.number(props, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL),
                Props.string(props, MqttPropertyType.CONTENT_TYPE), responseTopic,
                Props.binary(props, MqttPropertyType.CORRELATION_DATA),
                Props.number(props, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR, 0) == 1);
        return Message.of(new MessageHeader(topic, m.fixedHeader().qosLevel().value(), m.fixedHeader().isRetain(),
                properties, clientId), payload, nowMillis);
    }

    private String resolveAlias(String topic, MqttProperties props) throws ProtocolException {
        Long alias = Props.number(props, MqttPropertyType.TOPIC_ALIAS);
        if (alias == null) {
            if (topic.isEmpty()) {
                throw new ProtocolException(ReasonCode.PROTOCOL_ERROR, "empty topic without a topic alias");
            }
            return topic;
        }
        if (alias < 1 || alias > maxAliases) {
            throw new ProtocolException(ReasonCode.TOPIC_ALIAS_INVALID,
                    "topic alias " + alias + " is outside 1.." + maxAliases);
        }
        if (aliases == null) {
            aliases = new String[maxAliases + 1];
        }
        int a = alias.intValue();
        if (!topic.isEmpty()) {
            aliases[a] = topic;
            return topic;
        }
        if (aliases[a] == null) {
            throw new ProtocolException(ReasonCode.PROTOCOL_ERROR, "topic alias " + a + " was never set");
        }
        return aliases[a];
    }

    /** True unless the message says its payload is UTF-8 and it is not (MQTT 5 3.3.2.3.2). */
    static boolean payloadFormatValid(Message m) {
        if (!m.payloadFormatUtf8()) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(m.payload()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
