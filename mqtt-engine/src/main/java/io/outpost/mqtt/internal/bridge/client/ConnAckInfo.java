package io.outpost.mqtt.internal.bridge.client;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;

/**
 * What the upstream granted in its CONNACK, with MQTT 5's defaults where it said nothing (and for MQTT 3.1.1).
 *
 * @param receiveMaximum    how many QoS 1/2 PUBLISH it accepts unacknowledged (65535 when not said)
 * @param maximumPacketSize the largest packet it accepts, or 0 for the protocol's limit
 * @param maximumQos        the highest QoS it accepts (2 when not said)
 * @param serverKeepAlive   keep-alive the server imposes in seconds, or -1 when it keeps the client's
 * @param assignedClientId  the client id the server chose (when the gateway sent none), or null
 * @param topicAliasMaximum how many topic aliases it accepts from the gateway (0 when not said)
 */
public record ConnAckInfo(boolean sessionPresent, int receiveMaximum, long maximumPacketSize, int maximumQos,
                          boolean retainAvailable, int serverKeepAlive, String assignedClientId, int topicAliasMaximum) {

    static ConnAckInfo of(MqttConnAckMessage connAck) {
        MqttProperties p = connAck.variableHeader().properties();
        return new ConnAckInfo(connAck.variableHeader().isSessionPresent(),
                intProperty(p, MqttPropertyType.RECEIVE_MAXIMUM, 65_535),
                intProperty(p, MqttPropertyType.MAXIMUM_PACKET_SIZE, 0) & 0xFFFF_FFFFL,
                intProperty(p, MqttPropertyType.MAXIMUM_QOS, 2),
                intProperty(p, MqttPropertyType.RETAIN_AVAILABLE, 1) == 1,
                intProperty(p, MqttPropertyType.SERVER_KEEP_ALIVE, -1),
                stringProperty(p, MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER),
                intProperty(p, MqttPropertyType.TOPIC_ALIAS_MAXIMUM, 0));
    }

    static int intProperty(MqttProperties p, MqttPropertyType type, int otherwise) {
        if (p == null) {
            return otherwise;
        }
        MqttProperties.MqttProperty<?> prop = p.getProperty(type.value());
        return prop != null && prop.value() instanceof Integer i ? i : otherwise;
    }

    static String stringProperty(MqttProperties p, MqttPropertyType type) {
        if (p == null) {
            return null;
        }
        MqttProperties.MqttProperty<?> prop = p.getProperty(type.value());
        return prop != null && prop.value() instanceof String s ? s : null;
    }
}
