package io.outpost.mqtt.internal.bridge.client;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.core.message.Message;
import io.outpost.core.message.UserProperty;
import java.util.ArrayList;
import java.util.List;

/** Builds the packets the bridge sends, and sizes a PUBLISH before it is built. Stateless. */
public final class MqttPackets {

    /** The user property every forwarded message carries: the gateway's stable id for QoS 1 de-duplication. */
    public static final String MESSAGE_ID_PROPERTY = "oid";

    private MqttPackets() {
    }

    /** Everything of a CONNECT that comes from the configuration. */
    public record ConnectSettings(MqttVersion version, String clientId, String username, byte[] password,
                                  boolean cleanStart, int keepAliveSeconds, Long sessionExpirySeconds,
                                  int receiveMaximum, int maximumPacketSize, Will will) {

        public ConnectSettings(MqttVersion version, String clientId, String username, byte[] password,
                               boolean cleanStart, int keepAliveSeconds, Long sessionExpirySeconds,
                               int receiveMaximum, int maximumPacketSize) {
            this(version, clientId, username, password, cleanStart, keepAliveSeconds, sessionExpirySeconds,
                    receiveMaximum, maximumPacketSize, null);
        }
    }

    /** The message the server publishes when the connection ends without a normal DISCONNECT. */
    public record Will(String topic, byte[] payload, int qos, boolean retain) {
    }

    public static MqttConnectMessage connect(ConnectSettings s) {
        MqttProperties props = new MqttProperties();
        if (s.version() == MqttVersion.MQTT_5) {
            if (s.sessionExpirySeconds() == null || s.sessionExpirySeconds() > 0) {
                long expiry = s.sessionExpirySeconds() == null ? 0xFFFF_FFFFL : s.sessionExpirySeconds();
                props.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), (int) expiry));
            }
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(), s.receiveMaximum()));
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), s.maximumPacketSize()));
        }
        MqttMessageBuilders.ConnectBuilder b = MqttMessageBuilders.connect()
                .protocolVersion(s.version())
                .clientId(s.clientId())
                .cleanSession(s.cleanStart())
                .keepAlive(s.keepAliveSeconds())
                .properties(props);
        if (s.username() != null) {
            b.hasUser(true).username(s.username());
        }
        if (s.password() != null) {
            b.hasPassword(true).password(s.password());
        }
        if (s.will() != null) {
            b.willFlag(true).willTopic(s.will().topic()).willMessage(s.will().payload())
                    .willQoS(MqttQoS.valueOf(s.will().qos())).willRetain(s.will().retain());
        }
        return b.build();
    }

    /**
     * A PUBLISH of a queued message. The message expiry is lowered by the time it waited (MQTT 5 asks a forwarder to
     * do so); the stable id goes in as a user property (MQTT 5 only: 3.1.1 has no properties).
     */
    public static MqttPublishMessage publish(Message m, String messageId, int qos, boolean retain, int packetId,
                                             boolean dup, long nowMillis, boolean v5) {
        return publish(m, messageId, qos, retain, packetId, dup, nowMillis, v5, TopicAliases.NONE);
    }

    /**
     * As above, with the connection's topic aliases (MQTT 5): a topic that has an alias goes as the alias only. A
     * null {@code messageId} sends no {@code oid} (batches carry their readings' timestamps instead).
     */
    public static MqttPublishMessage publish(Message m, String messageId, int qos, boolean retain, int packetId,
                                             boolean dup, long nowMillis, boolean v5, TopicAliases aliases) {
        TopicAliases.Use alias = v5 ? aliases.use(m.topic()) : TopicAliases.NONE.use(m.topic());
        MqttProperties props = v5 ? properties(m, messageId, nowMillis, alias.alias()) : MqttProperties.NO_PROPERTIES;
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0);
        String topic = alias.withTopic() ? m.topic() : "";
        return new MqttPublishMessage(header, new MqttPublishVariableHeader(topic, qos == 0 ? -1 : packetId, props),
                Unpooled.wrappedBuffer(m.payload()));
    }

    private static MqttProperties properties(Message m, String messageId, long nowMillis, int alias) {
        MqttProperties props = new MqttProperties();
        if (alias > 0) {
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), alias));
        }
        if (m.messageExpirySeconds() != null) {
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(),
                    (int) remainingExpiry(m, nowMillis)));
        }
        if (m.payloadFormatUtf8()) {
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
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
        List<MqttProperties.StringPair> pairs = new ArrayList<>(m.userProperties().size() + 1);
        for (UserProperty p : m.userProperties()) {
            pairs.add(new MqttProperties.StringPair(p.name(), p.value()));
        }
        if (messageId != null) {
            pairs.add(new MqttProperties.StringPair(MESSAGE_ID_PROPERTY, messageId));
        }
        if (!pairs.isEmpty()) {
            props.add(new MqttProperties.UserProperties(pairs));
        }
        return props;
    }

    /** Seconds of expiry left, at least 1 (a message is dropped, not sent, once none is left). */
    public static long remainingExpiry(Message m, long nowMillis) {
        Long left = m.remainingExpirySeconds(nowMillis);
        return left == null ? 0xFFFF_FFFFL : Math.max(1, Math.min(0xFFFF_FFFFL, left));
    }

    /** The encoded size of the PUBLISH {@link #publish} builds, to compare with the upstream's Maximum Packet Size. */
    public static long publishSize(Message m, String messageId, int qos, boolean v5) {
        long variable = 2 + utf8(m.topic()) + (qos > 0 ? 2 : 0);
        if (v5) {
            long props = 0;
            props += m.messageExpirySeconds() != null ? 5 : 0;
            props += m.payloadFormatUtf8() ? 2 : 0;
            props += m.contentType() != null ? 3 + utf8(m.contentType()) : 0;
            props += m.responseTopic() != null ? 3 + utf8(m.responseTopic()) : 0;
            props += m.correlationData() != null ? 3 + m.correlationData().length : 0;
            for (UserProperty p : m.userProperties()) {
                props += 5 + utf8(p.name()) + utf8(p.value());
            }
            props += messageId == null ? 0 : 5 + utf8(MESSAGE_ID_PROPERTY) + utf8(messageId);
            variable += varIntSize(props) + props;
        }
        long remaining = variable + m.payload().length;
        return 1 + varIntSize(remaining) + remaining;
    }

    private static int utf8(String s) {
        return ByteBufUtil.utf8Bytes(s);
    }

    private static int varIntSize(long n) {
        return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
    }

    public static MqttMessage pubAck(int packetId, int reason, boolean v5) {
        return reply(MqttMessageType.PUBACK, MqttQoS.AT_MOST_ONCE, packetId, reason, v5);
    }

    public static MqttMessage pubRec(int packetId, int reason, boolean v5) {
        return reply(MqttMessageType.PUBREC, MqttQoS.AT_MOST_ONCE, packetId, reason, v5);
    }

    public static MqttMessage pubRel(int packetId, boolean v5) {
        return reply(MqttMessageType.PUBREL, MqttQoS.AT_LEAST_ONCE, packetId, 0, v5);
    }

    public static MqttMessage pubComp(int packetId, boolean v5) {
        return reply(MqttMessageType.PUBCOMP, MqttQoS.AT_MOST_ONCE, packetId, 0, v5);
    }

    private static MqttMessage reply(MqttMessageType type, MqttQoS qos, int packetId, int reason, boolean v5) {
        MqttFixedHeader header = new MqttFixedHeader(type, false, qos, false, 0);
        return new MqttMessage(header, new MqttPubReplyMessageVariableHeader(packetId, v5 ? (byte) reason : 0,
                MqttProperties.NO_PROPERTIES));
    }

    /** One SUBSCRIBE for all reverse filters; MQTT 5 asks for No Local, so the bridge never hears its own messages. */
    public static MqttSubscribeMessage subscribe(int packetId, List<String> filters, List<Integer> qos, boolean v5) {
        List<MqttTopicSubscription> subs = new ArrayList<>(filters.size());
        for (int i = 0; i < filters.size(); i++) {
            MqttSubscriptionOption option = new MqttSubscriptionOption(MqttQoS.valueOf(qos.get(i)), v5, v5,
                    MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE);
            subs.add(new MqttTopicSubscription(filters.get(i), option));
        }
        return new MqttSubscribeMessage(new MqttFixedHeader(MqttMessageType.SUBSCRIBE, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubscribePayload(subs));
    }

    public static MqttMessage pingReq() {
        return MqttMessage.PINGREQ;
    }

    /** A normal DISCONNECT (reason 0): the session stays, the will (none here) is not sent. */
    public static MqttMessage disconnect() {
        return MqttMessage.DISCONNECT;
    }

    /** MQTT 5 DISCONNECT with reason 0x04: the server publishes the will, the session stays. */
    public static MqttMessage disconnectWithWill() {
        return MqttMessageBuilders.disconnect().reasonCode((byte) 0x04).build();
    }

    /** Copies a received PUBLISH off its buffer (the caller releases the buffer). */
    static UpstreamPublish inbound(MqttPublishMessage p) {
        MqttProperties props = p.variableHeader().properties();
        List<UserProperty> user = new ArrayList<>();
        if (props != null) {
            MqttProperties.MqttProperty<?> up = props.getProperty(MqttPropertyType.USER_PROPERTY.value());
            if (up instanceof MqttProperties.UserProperties ups) {
                for (MqttProperties.StringPair pair : ups.value()) {
                    user.add(new UserProperty(pair.key, pair.value));
                }
            }
        }
        int expiry = ConnAckInfo.intProperty(props, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL, -1);
        MqttProperties.MqttProperty<?> correlation = props == null ? null : props.getProperty(MqttPropertyType.CORRELATION_DATA.value());
        byte[] payload = ByteBufUtil.getBytes(p.payload());
        return new UpstreamPublish(p.variableHeader().topicName(), payload, p.fixedHeader().qosLevel().value(),
                p.fixedHeader().isRetain(), p.fixedHeader().isDup(), p.variableHeader().packetId(), user,
                expiry < 0 ? null : expiry & 0xFFFF_FFFFL,
                ConnAckInfo.stringProperty(props, MqttPropertyType.CONTENT_TYPE),
                ConnAckInfo.stringProperty(props, MqttPropertyType.RESPONSE_TOPIC),
                correlation != null && correlation.value() instanceof byte[] b ? b : null,
                ConnAckInfo.intProperty(props, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR, 0) == 1);
    }
}
