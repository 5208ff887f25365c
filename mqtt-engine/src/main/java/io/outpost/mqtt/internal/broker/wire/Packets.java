package io.outpost.mqtt.internal.broker.wire;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.util.List;

/**
 * Builds the packets the broker sends, in the shape netty's encoder writes for the connection's protocol version
 * (reason codes and properties only for MQTT 5). Stateless.
 */
public final class Packets {

    public static final MqttMessage PINGRESP = new MqttMessage(
            new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));

    private Packets() {
    }

    /** CONNACK; {@code code} is the MQTT 5 reason code, mapped to the 3.1.1 return code for older clients. */
    public static MqttConnAckMessage connAck(MqttVersion version, byte code, boolean sessionPresent,
                                             MqttProperties properties) {
        MqttConnectReturnCode rc = version == MqttVersion.MQTT_5 ? MqttConnectReturnCode.valueOf(code) : v3(code);
        boolean present = sessionPresent && code == ReasonCode.SUCCESS && version != MqttVersion.MQTT_3_1;
        return new MqttConnAckMessage(new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttConnAckVariableHeader(rc, present,
                        version == MqttVersion.MQTT_5 && properties != null ? properties : MqttProperties.NO_PROPERTIES));
    }

    /** True when a 3.1.1 CONNACK return code says the same as this MQTT 5 reason code; otherwise the connection just closes. */
    public static boolean hasV3ReturnCode(byte code) {
        return switch (code) {
            case ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    ReasonCode.BAD_USER_NAME_OR_PASSWORD, ReasonCode.NOT_AUTHORIZED, ReasonCode.SERVER_UNAVAILABLE,
                    ReasonCode.SERVER_BUSY, ReasonCode.QUOTA_EXCEEDED -> true;
            default -> false;
        };
    }

    /** The 3.1.1 CONNACK return code closest to an MQTT 5 reason code (MQTT 5.0, table 3-1 and 3.1.1, table 3.1). */
    static MqttConnectReturnCode v3(byte code) {
        switch (code) {
            case ReasonCode.SUCCESS:
                return MqttConnectReturnCode.CONNECTION_ACCEPTED;
            case ReasonCode.UNSUPPORTED_PROTOCOL_VERSION:
                return MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION;
            case ReasonCode.CLIENT_IDENTIFIER_NOT_VALID:
                return MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
            case ReasonCode.BAD_USER_NAME_OR_PASSWORD:
                return MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
            case ReasonCode.NOT_AUTHORIZED:
                return MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
            default:
                return MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
        }
    }

    /** PUBACK, PUBREC or PUBCOMP (and PUBREL through {@link #pubRel}). */
    public static MqttMessage pubReply(MqttMessageType type, int packetId, byte reason, String reasonString) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, reason, reasonProperties(reasonString)));
    }

    public static MqttMessage pubRel(int packetId) {
        return pubReply(MqttMessageType.PUBREL, packetId, ReasonCode.SUCCESS, null);
    }

    public static MqttSubAckMessage subAck(int packetId, List<Integer> codes) {
        int[] c = codes.stream().mapToInt(Integer::intValue).toArray();
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(c));
    }

    public static MqttUnsubAckMessage unsubAck(MqttVersion version, int packetId, List<Short> codes) {
        MqttUnsubAckPayload payload = version == MqttVersion.MQTT_5 ? new MqttUnsubAckPayload(codes) : null;
        return new MqttUnsubAckMessage(new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES), payload);
    }

    /** A server DISCONNECT (MQTT 5 only). */
    public static MqttMessage disconnect(byte reason, String reasonString) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader(reason, reasonProperties(reasonString)));
    }

    private static MqttProperties reasonProperties(String reasonString) {
        if (reasonString == null) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.StringProperty(MqttProperties.MqttPropertyType.REASON_STRING.value(), reasonString));
        return p;
    }
}
