package io.outpost.mqtt.internal.broker.session;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.outpost.core.message.Message;
import io.outpost.core.message.UserProperty;
import java.nio.charset.StandardCharsets;

/**
 * Turns a routed message into the PUBLISH one client gets: its QoS, RETAIN and DUP flags, packet id, and for
 * MQTT 5 the properties that travel with it (expiry lowered by the time spent in the broker, topic alias,
 * subscription identifiers). The payload is wrapped, not copied. Stateless.
 */
final class PublishEncoder {

    private PublishEncoder() {
    }

    /**
     * The PUBLISH for {@code e}, or null when it would exceed the client's Maximum Packet Size (MQTT-3.1.2-24: the
     * broker then discards it as if it had been sent).
     */
    static MqttPublishMessage encode(Attachment a, SessionOutbox.Entry e, int packetId, boolean dup, long nowMillis) {
        Message m = e.message;
        String topic = m.topic();
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (a.settings.isV5()) {
            if (a.settings.maximumPacketSize() < Integer.MAX_VALUE
                    && size(topic, e.qos, m, e.subscriptionIds) > a.settings.maximumPacketSize()) {
                return null;
            }
            props = new MqttProperties();
            int alias = a.alias(topic);
            if (alias != 0) {
                props.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), Math.abs(alias)));
                if (alias < 0) {
                    topic = "";
                }
            }
            addMessageProperties(props, m, nowMillis);
            for (int id : e.subscriptionIds) {
                props.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), id));
            }
        }
        MqttFixedHeader fixed = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(e.qos), e.retain, 0);
        return new MqttPublishMessage(fixed, new MqttPublishVariableHeader(topic, e.qos == 0 ? -1 : packetId, props),
                Unpooled.wrappedBuffer(m.payload()));
    }

    /** Adds the properties a message carries from publisher to subscriber (MQTT 5 3.3.2.3). */
    static void addMessageProperties(MqttProperties props, Message m, long nowMillis) {
        if (m.payloadFormatUtf8()) {
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
        }
        Long expiry = m.remainingExpirySeconds(nowMillis);
        if (expiry != null) {
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(),
                    (int) Math.min(expiry, 0xFFFF_FFFFL)));
        }
        if (m.contentType() != null) {
            props.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), m.contentType()));
        }
        if (m.responseTopic() != null) {
            props.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), m.responseTopic()));
        }
        if (m.correlationData() != null) {
            props.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), m.correlationData()));
        }
        for (UserProperty u : m.userProperties()) {
            props.add(new MqttProperties.UserProperty(u.name(), u.value()));
        }
    }

    /** The encoded size of the PUBLISH in bytes (MQTT 5), to compare with the client's Maximum Packet Size. */
    static long size(String topic, int qos, Message m, int[] subscriptionIds) {
        long props = 0;
        if (m.payloadFormatUtf8()) {
            props += 2;
        }
        if (m.messageExpirySeconds() != null) {
            props += 5;
        }
        props += 3; // topic alias, when one is used
        props += stringSize(m.contentType()) + stringSize(m.responseTopic());
        if (m.correlationData() != null) {
            props += 3 + m.correlationData().length;
        }
        for (UserProperty u : m.userProperties()) {
            props += 1 + utf8(u.name()) + 2 + utf8(u.value()) + 2;
        }
        for (int id : subscriptionIds) {
            props += 1 + varIntSize(id);
        }
        long remaining = 2 + utf8(topic) + (qos > 0 ? 2 : 0) + varIntSize(props) + props + m.payload().length;
        return 1 + varIntSize(remaining) + remaining;
    }

    private static long stringSize(String s) {
        return s == null ? 0 : 3 + utf8(s);
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int varIntSize(long v) {
        return v < 128 ? 1 : v < 16_384 ? 2 : v < 2_097_152 ? 3 : 4;
    }
}
