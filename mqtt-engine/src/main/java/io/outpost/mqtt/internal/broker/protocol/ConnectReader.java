package io.outpost.mqtt.internal.broker.protocol;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.broker.config.BrokerLimits;
import io.outpost.mqtt.internal.broker.session.ClientSettings;
import io.outpost.mqtt.internal.broker.session.Will;
import io.outpost.mqtt.internal.broker.wire.ReasonCode;
import java.util.UUID;

/**
 * Validates a CONNECT against MQTT 3.1/3.1.1/5.0 and the broker's limits and works out what the session gets:
 * client id (assigned when empty), session expiry (capped), keep-alive (overridden for MQTT 5 when above the
 * maximum), the will, and the CONNACK properties. Stateless.
 */
final class ConnectReader {

    /** A valid CONNECT, ready to authenticate. */
    record Connect(MqttVersion version, String clientId, boolean assignedId, boolean cleanStart, long expirySeconds,
                   int keepAliveSeconds, Will will, ClientSettings settings, String username, byte[] password,
                   MqttProperties connAckProperties) {
    }

    private final BrokerLimits limits;

    ConnectReader(BrokerLimits limits) {
        this.limits = limits;
    }

    Connect read(MqttConnectMessage msg, long nowMillis) throws ProtocolException {
        MqttConnectVariableHeader h = msg.variableHeader();
        MqttConnectPayload p = msg.payload();
        MqttVersion version = MqttVersion.fromProtocolNameAndLevel(h.name(), (byte) h.version());
        boolean v5 = version == MqttVersion.MQTT_5;
        MqttProperties props = v5 ? h.properties() : MqttProperties.NO_PROPERTIES;
        MqttProperties ack = v5 ? new MqttProperties() : MqttProperties.NO_PROPERTIES;

        if (Props.has(props, MqttPropertyType.AUTHENTICATION_METHOD)) {
            throw new ProtocolException(ReasonCode.BAD_AUTHENTICATION_METHOD, "enhanced authentication is not supported");
        }
        long receiveMaximum = Props.number(props, MqttPropertyType.RECEIVE_MAXIMUM, 65_535);
        long maxPacket = Props.number(props, MqttPropertyType.MAXIMUM_PACKET_SIZE, Integer.MAX_VALUE);
        if (receiveMaximum == 0 || maxPacket == 0) {
            throw new ProtocolException(ReasonCode.PROTOCOL_ERROR, "Receive Maximum and Maximum Packet Size must not be 0");
        }
        int topicAliasMaximum = (int) Props.number(props, MqttPropertyType.TOPIC_ALIAS_MAXIMUM, 0);
        boolean problemInfo = Props.number(props, MqttPropertyType.REQUEST_PROBLEM_INFORMATION, 1) != 0;
        if (!h.hasUserName() && h.hasPassword() && !v5) {
            throw new ProtocolException(ReasonCode.PROTOCOL_ERROR, "a password without a user name (MQTT-3.1.2-22)");
        }

        String clientId = p.clientIdentifier() == null ? "" : p.clientIdentifier();
        boolean assigned = false;
        if (clientId.isEmpty()) {
            if (!v5 && !h.isCleanSession()) {
                throw new ProtocolException(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                        "an empty client id needs clean session (MQTT-3.1.3-7)");
            }
            clientId = "outpost-" + UUID.randomUUID();
            assigned = true;
            if (v5) {
                Props.add(ack, MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER, clientId);
            }
        }
        if (clientId.startsWith("$")) {
            // $gateway, $bridge/<name>, $SYS, $local/...: the broker's own publishers, whose messages are trusted
            // (not forwarded back, not held on a reload); no client may pass for one of them.
            throw new ProtocolException(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "client ids starting with $ are reserved for the gateway itself");
        }

        long cap = limits.maxSessionExpirySeconds();
        long asked = v5 ? Props.number(props, MqttPropertyType.SESSION_EXPIRY_INTERVAL, 0)
                : h.isCleanSession() ? 0 : 0xFFFF_FFFFL;
        long expiry = Math.min(asked, cap);
        if (v5 && asked > cap) {
            Props.add(ack, MqttPropertyType.SESSION_EXPIRY_INTERVAL, (int) cap);
        }

        int keepAlive = h.keepAliveTimeSeconds();
        if (v5 && limits.maxKeepAlive() != null) {
            int max = (int) limits.maxKeepAlive().toSeconds();
            if (keepAlive == 0 || keepAlive > max) {
                keepAlive = max;
                Props.add(ack, MqttPropertyType.SERVER_KEEP_ALIVE, max);
            }
        }

        Will will = h.isWillFlag() ? will(h, p, v5, clientId, nowMillis) : null;

        if (v5) {
            Props.add(ack, MqttPropertyType.RECEIVE_MAXIMUM, limits.maxInflight());
            Props.add(ack, MqttPropertyType.MAXIMUM_PACKET_SIZE, limits.maxPacketSize());
            Props.add(ack, MqttPropertyType.TOPIC_ALIAS_MAXIMUM, limits.maxTopicAliases());
        }
        ClientSettings settings = new ClientSettings(version, (int) Math.min(receiveMaximum, 65_535),
                (int) Math.min(maxPacket, Integer.MAX_VALUE), topicAliasMaximum, problemInfo);
        return new Connect(version, clientId, assigned, h.isCleanSession(), expiry, keepAlive, will, settings,
                h.hasUserName() ? p.userName() : null, h.hasPassword() ? p.passwordInBytes() : null, ack);
    }

    private static Will will(MqttConnectVariableHeader h, MqttConnectPayload p, boolean v5, String clientId,
                             long nowMillis) throws ProtocolException {
        String topic = p.willTopic();
        if (!TopicFilter.isValidTopicName(topic)) {
            throw new ProtocolException(ReasonCode.TOPIC_NAME_INVALID, "invalid will topic '" + topic + "'");
        }
        if (h.willQos() > 2) {
            throw new ProtocolException(ReasonCode.MALFORMED_PACKET, "will QoS 3");
        }
        MqttProperties wp = v5 && p.willProperties() != null ? p.willProperties() : MqttProperties.NO_PROPERTIES;
        byte[] payload = p.willMessageInBytes() == null ? new byte[0] : p.willMessageInBytes();
        MessageProperties props = new MessageProperties(Props.userProperties(wp),
                Props.number(wp, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL),
                Props.string(wp, MqttPropertyType.CONTENT_TYPE), Props.string(wp, MqttPropertyType.RESPONSE_TOPIC),
                Props.binary(wp, MqttPropertyType.CORRELATION_DATA),
                Props.number(wp, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR, 0) == 1);
        Message m = Message.of(new MessageHeader(topic, h.willQos(), h.isWillRetain(), props, clientId), payload, nowMillis);
        return new Will(m, Props.number(wp, MqttPropertyType.WILL_DELAY_INTERVAL, 0));
    }
}
