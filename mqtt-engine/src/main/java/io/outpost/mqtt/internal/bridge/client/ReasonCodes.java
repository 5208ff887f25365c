package io.outpost.mqtt.internal.bridge.client;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import java.util.Map;

/** Words for the MQTT 5 reason codes an upstream sends, so that logs say what went wrong. */
public final class ReasonCodes {

    private static final Map<Integer, String> TEXT = Map.ofEntries(
            Map.entry(0x00, "success"),
            Map.entry(0x04, "disconnect with will message"),
            Map.entry(0x10, "no matching subscribers"),
            Map.entry(0x80, "unspecified error"),
            Map.entry(0x81, "malformed packet"),
            Map.entry(0x82, "protocol error"),
            Map.entry(0x83, "implementation specific error"),
            Map.entry(0x84, "unsupported protocol version"),
            Map.entry(0x85, "client identifier not valid"),
            Map.entry(0x86, "bad user name or password"),
            Map.entry(0x87, "not authorized"),
            Map.entry(0x88, "server unavailable"),
            Map.entry(0x89, "server busy"),
            Map.entry(0x8A, "banned"),
            Map.entry(0x8B, "server shutting down"),
            Map.entry(0x8C, "bad authentication method"),
            Map.entry(0x8D, "keep alive timeout"),
            Map.entry(0x8E, "session taken over"),
            Map.entry(0x8F, "topic filter invalid"),
            Map.entry(0x90, "topic name invalid"),
            Map.entry(0x91, "packet identifier in use"),
            Map.entry(0x92, "packet identifier not found"),
            Map.entry(0x93, "receive maximum exceeded"),
            Map.entry(0x94, "topic alias invalid"),
            Map.entry(0x95, "packet too large"),
            Map.entry(0x96, "message rate too high"),
            Map.entry(0x97, "quota exceeded"),
            Map.entry(0x98, "administrative action"),
            Map.entry(0x99, "payload format invalid"),
            Map.entry(0x9A, "retain not supported"),
            Map.entry(0x9B, "QoS not supported"),
            Map.entry(0x9C, "use another server"),
            Map.entry(0x9D, "server moved"),
            Map.entry(0x9E, "shared subscriptions not supported"),
            Map.entry(0x9F, "connection rate exceeded"),
            Map.entry(0xA0, "maximum connect time"),
            Map.entry(0xA1, "subscription identifiers not supported"),
            Map.entry(0xA2, "wildcard subscriptions not supported"));

    private ReasonCodes() {
    }

    /** E.g. {@code 0x87 not authorized}. */
    public static String describe(int code) {
        return String.format("0x%02X %s", code & 0xFF, TEXT.getOrDefault(code & 0xFF, "reason"));
    }

    /** The reason an MQTT 5 server gives in DISCONNECT, in words. */
    public static String ofDisconnect(MqttMessage disconnect) {
        if (disconnect.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h) {
            return describe(h.reasonCode() & 0xFF);
        }
        return "no reason given";
    }
}
